/**
 * The report of a run as one self-contained HTML file (pure: results and the charting libraries' source in,
 * a page out). Charts are drawn by Chart.js with the chartjs-chart-error-bars plugin, inlined, so the file
 * opens anywhere with no network: accuracy per iteration for every method with ± SE bars, per-agent accuracy
 * and consensus, first-round agreement, answer changes between rounds, dataset sizes and how often their labels
 * are right, training loss curves, and a browsable sample of debates.
 */
import { methodLabels } from '../spec/methods.js';
import type { RunResults } from '../spec/run-results.js';
import { diversityGrid, resultsGrid } from './format-results.js';
import { answerChangesGrids, answerChangesNotes } from './answer-changes-grid.js';
import { firstRoundAgreementGrid, firstRoundAgreementNote } from './first-round-agreement-grid.js';
import { labelAccuracyGrid, labelAccuracyNote } from './label-accuracy-grid.js';

export interface ChartLibraries {
  /** chart.js/dist/chart.umd.min.js */
  chart: string;
  /** chartjs-chart-error-bars/build/index.umd.min.js */
  errorBars: string;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
/** JSON safe inside a script element. */
const scriptJson = (value: unknown) =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
/** A library's source safe inside a script element. */
const scriptSource = (source: string) => source.replace(/<\/script/gi, '<\\/script');

/**
 * A grid (header row first) as an HTML table, the first column as row headers. `breakAfterArrows`: a header may
 * wrap after `→` (right→<wbr>wrong), so narrow number columns leave room for the row names.
 */
function htmlTable(grid: readonly (readonly string[])[], breakAfterArrows = false): string {
  const header = (cell: string) => (breakAfterArrows ? escapeHtml(cell).replaceAll('→', '→<wbr>') : escapeHtml(cell));
  return `<table><thead><tr>${(grid[0] ?? []).map((cell) => `<th>${header(cell)}</th>`).join('')}</tr></thead><tbody>${grid
    .slice(1)
    .map(
      (row) =>
        `<tr>${row.map((cell, column) => (column === 0 ? `<th>${escapeHtml(cell)}</th>` : `<td>${escapeHtml(cell) || '–'}</td>`)).join('')}</tr>`,
    )
    .join('')}</tbody></table>`;
}

export function renderReportHtml(results: RunResults, libraries: ChartLibraries, title: string): string {
  const table = htmlTable(resultsGrid(results));
  const diversity = diversityGrid(results);
  const embedder = (results.diversity ?? []).find((score) => score.embeddingModel !== null)?.embeddingModel;
  const diversityCard =
    diversity.length > 1
      ? `<div class="card"><h2 style="margin-top:0">Diversity</h2>${htmlTable(diversity)}
<p class="note">The paper's §4.2 measures on a sample of the held-out debates (docs/diversity.md), each mean ± its standard error over those debates: likelihood NLL and KL in nats per token; 1 − cos by ${escapeHtml(embedder ?? 'no embedder')}; n/a where the backend cannot give it.</p></div>
`
      : '';
  const labels = labelAccuracyGrid(results);
  const labelsCard =
    labels.length > 1
      ? `<div class="card labels"><h2 style="margin-top:0">How often the finetuning labels are right</h2>${htmlTable(labels)}
<p class="note">${escapeHtml(labelAccuracyNote)}</p></div>
`
      : '';
  const agreement = firstRoundAgreementGrid(results);
  const agreementCard =
    agreement.length > 1
      ? `<div class="card changes"><h2 style="margin-top:0">First-round agreement</h2><div class="scroll">${htmlTable(agreement)}</div>
<p class="note">${escapeHtml(firstRoundAgreementNote)}</p></div>
`
      : '';
  const changes = answerChangesGrids(results);
  const changesCard =
    changes.transitions.length > 1
      ? `<div class="card changes"><h2 style="margin-top:0">Answer changes between rounds</h2>
<h3>How the answers changed</h3><div class="scroll">${htmlTable(changes.transitions, true)}</div>
<p class="note">${escapeHtml(answerChangesNotes.transitions)}</p>
<h3>By what the others answered</h3><div class="scroll">${htmlTable(changes.byWhatWasShown)}</div>
<p class="note">${escapeHtml(answerChangesNotes.byWhatWasShown)}</p></div>
`
      : '';
  const progress = results.progress.finished
    ? 'finished'
    : `in progress: ${results.progress.done} of ${results.progress.total} stages done`;
  const meta =
    `${escapeHtml(results.task)} · ${results.agents} agents × ${results.rounds} rounds · ${results.iterations} iterations · ` +
    `${results.finetuneProblems} finetune / ${results.evalProblems} held-out problems · model ${escapeHtml(results.model.split('/').at(-1) ?? results.model)} · ${progress}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
  main { max-width: 1100px; margin: 0 auto; padding: 24px; }
  h1 { font-size: 24px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 10px; }
  .meta { color: #5b6473; margin-bottom: 18px; }
  .card { background: #fff; border: 1px solid #e2e5ea; border-radius: 8px; padding: 16px; margin-bottom: 16px; }
  .grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } @media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
  table { border-collapse: collapse; width: 100%; } th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #eceef2; }
  h3 { font-size: 15px; margin: 16px 0 4px; } .scroll { overflow-x: auto; } .changes th, .changes td { padding: 6px 8px; } .changes tbody th { white-space: nowrap; } .labels tbody th { white-space: nowrap; }
  td { font-variant-numeric: tabular-nums; } thead th { color: #5b6473; font-weight: 600; }
  canvas { width: 100% !important; height: 300px !important; }
  .note { color: #5b6473; font-size: 13px; }
  .debate { border-top: 1px solid #eceef2; padding: 10px 0; } .debate summary { cursor: pointer; }
  .ok { color: #11703a; } .bad { color: #b42318; }
  .rounds { display: grid; gap: 8px; margin-top: 8px; } .round { display: grid; gap: 8px; }
  .reply { background: #f6f7f9; border-radius: 6px; padding: 8px; font-size: 13px; }
  .reply pre { white-space: pre-wrap; margin: 4px 0 0; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; max-height: 220px; overflow: auto; }
  select { font: inherit; padding: 4px 6px; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<div class="meta">${meta}</div>
<div class="card"><h2 style="margin-top:0">Accuracy on the held-out split (% ± SE)</h2>${table}
<p class="note">Every held-out problem counts; an answer that cannot be parsed is wrong. Iteration 0 of a finetuning method is the base society scored the same way.</p></div>
<div class="grid">
  <div class="card"><h2 style="margin-top:0">Accuracy by iteration</h2><canvas id="accuracy"></canvas></div>
  <div class="card"><h2 style="margin-top:0">Agents: own accuracy and consensus</h2><canvas id="agents"></canvas></div>
  <div class="card"><h2 style="margin-top:0">Finetuning data per model</h2><canvas id="datasets"></canvas></div>
  <div class="card"><h2 style="margin-top:0">Training loss</h2><canvas id="losses"></canvas></div>
</div>
${labelsCard}${skippedTrainingCard(results)}${agreementCard}${changesCard}${diversityCard}<div class="card"><h2 style="margin-top:0">Debates on held-out problems</h2>
  <label>Society <select id="society"></select></label>
  <div id="debates"></div>
</div>
<p class="note">Made by maft ${escapeHtml(results.maftVersion)} from the run's saved artifacts (results of ${escapeHtml(results.updatedAt)}).</p>
</main>
<script type="application/json" id="results">${scriptJson(results)}</script>
<script type="application/json" id="labels">${scriptJson(methodLabels)}</script>
<script>${scriptSource(libraries.chart)}</script>
<script>${scriptSource(libraries.errorBars)}</script>
<script>${reportScript}</script>
</body>
</html>
`;
}

/** The page's own script: charts and the debate browser, drawn from the embedded results. */
const reportScript = String.raw`
(function () {
  const results = JSON.parse(document.getElementById('results').textContent);
  const labels = JSON.parse(document.getElementById('labels').textContent);
  const E = window.ChartErrorBars;
  Chart.register(E.LineWithErrorBarsController, E.PointWithErrorBar, E.BarWithErrorBarsController, E.BarWithErrorBar);
  const palette = ['#2f6fde', '#d9480f', '#2b8a3e', '#862e9c', '#c2255c', '#0b7285', '#5c940d', '#e67700'];
  const iterations = Array.from({ length: results.iterations + 1 }, (_, i) => i === 0 ? 'base' : 'it ' + i);
  const pct = (x) => 100 * x;
  const finetuning = ['multiagent-ft', 'single-agent-ft', 'single-agent-ft-nodebate', 'majority-ft', 'star'];
  const charts = [];

  // Accuracy by iteration: finetuning methods as lines, the others as flat references.
  const accuracy = results.methods.map((method, index) => {
    const scores = results.scores.filter((s) => s.method === method);
    const data = iterations.map((_, it) => {
      const s = finetuning.includes(method) ? scores.find((x) => x.iteration === it) : scores[0];
      return s ? { y: pct(s.accuracy), yMin: pct(s.accuracy - s.standardError), yMax: pct(s.accuracy + s.standardError) } : null;
    });
    return { label: labels[method], data, borderColor: palette[index % palette.length], backgroundColor: palette[index % palette.length],
      borderDash: finetuning.includes(method) ? [] : [6, 4], pointRadius: finetuning.includes(method) ? 4 : 0, spanGaps: true };
  });
  charts.push(new Chart(document.getElementById('accuracy'), { type: 'lineWithErrorBars', data: { labels: iterations, datasets: accuracy },
    options: { animation: false, scales: { y: { title: { display: true, text: 'accuracy %' }, suggestedMin: 0, suggestedMax: 100 } } } }));

  // Agents of multiagent FT (or the debate if it is absent): each agent's accuracy, and consensus.
  const societyMethod = results.methods.includes('multiagent-ft') ? 'multiagent-ft' : 'debate';
  const society = results.scores.filter((s) => s.method === societyMethod && s.perAgentAccuracy).sort((a, b) => a.iteration - b.iteration);
  const agentSets = Array.from({ length: results.agents }, (_, agent) => ({ type: 'bar', label: 'agent ' + agent,
    data: society.map((s) => pct(s.perAgentAccuracy[agent] || 0)), backgroundColor: palette[agent % palette.length] + 'cc' }));
  agentSets.push({ type: 'line', label: 'consensus', data: society.map((s) => pct(s.consensus || 0)), borderColor: '#1d2330', backgroundColor: '#1d2330' });
  charts.push(new Chart(document.getElementById('agents'), { type: 'bar', data: { labels: society.map((s) => s.iteration === 0 ? 'base' : 'it ' + s.iteration), datasets: agentSets },
    options: { animation: false, plugins: { title: { display: true, text: labels[societyMethod] } }, scales: { y: { title: { display: true, text: '%' }, suggestedMin: 0, suggestedMax: 100 } } } }));

  // Dataset sizes: generator rows, D⁻ and D⁺ (before the w mix) per model and iteration.
  const sizeLabels = results.datasets.map((d) => (d.method === 'multiagent-ft' ? 'agent ' + d.agent : labels[d.method]) + ' · it ' + d.iteration);
  const sizeSets = [['generator', '#2f6fde'], ['corrected', '#d9480f'], ['confirmed', '#2b8a3e']].map(([field, color]) => ({
    label: field === 'generator' ? 'generator rows' : field === 'corrected' ? 'D⁻ (corrected)' : 'D⁺ (confirmed)',
    data: results.datasets.map((d) => d[field]), backgroundColor: color, stack: field === 'generator' ? 'g' : 'c' }));
  charts.push(new Chart(document.getElementById('datasets'), { type: 'bar', data: { labels: sizeLabels, datasets: sizeSets },
    options: { animation: false, scales: { x: { stacked: true }, y: { stacked: true, title: { display: true, text: 'rows' } } } } }));

  // Training loss per job.
  const longest = Math.max(1, ...results.training.map((t) => t.losses.length));
  const lossSets = results.training.map((t, index) => ({ label: labels[t.method] + ' it ' + t.iteration + (t.agent === null ? '' : ' agent ' + t.agent + ' ' + t.role),
    data: t.losses, borderColor: palette[index % palette.length], backgroundColor: palette[index % palette.length], pointRadius: 0, borderWidth: 1.5 }));
  charts.push(new Chart(document.getElementById('losses'), { type: 'line', data: { labels: Array.from({ length: longest }, (_, i) => i + 1), datasets: lossSets },
    options: { animation: false, plugins: { legend: { display: lossSets.length <= 8 } }, scales: { x: { title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'completion loss' } } } } }));

  // Debates: one society at a time; each problem's rounds, every agent's reply, and the vote.
  const select = document.getElementById('society');
  const stages = [...new Set(results.samples.map((s) => s.stage))];
  for (const stage of stages) {
    const first = results.samples.find((s) => s.stage === stage);
    const option = document.createElement('option');
    option.value = stage;
    option.textContent = (first.iteration === 0 ? 'Base society' : labels[first.method] + ', iteration ' + first.iteration) + ' (' + stage + ')';
    select.appendChild(option);
  }
  const element = (tag, className, text) => { const node = document.createElement(tag); if (className) node.className = className; if (text !== undefined) node.textContent = text; return node; };
  function show(stage) {
    const box = document.getElementById('debates');
    box.replaceChildren();
    for (const sample of results.samples.filter((s) => s.stage === stage)) {
      const details = element('details', 'debate');
      const summary = element('summary');
      summary.append(element('span', sample.correct ? 'ok' : 'bad', sample.correct ? '✔ ' : '✘ '), document.createTextNode(sample.question + '  — truth ' + sample.groundTruth + ', vote ' + (sample.vote.winner ?? 'none') +
        ' (' + sample.vote.classes.map((c) => c.answer + '×' + c.count).join(', ') + ')'));
      details.appendChild(summary);
      const rounds = element('div', 'rounds');
      sample.rounds.forEach((round, r) => {
        const row = element('div', 'round');
        row.style.gridTemplateColumns = 'repeat(' + round.length + ', 1fr)';
        round.forEach((reply, agent) => {
          const cell = element('div', 'reply');
          cell.append(element('strong', reply.correct ? 'ok' : 'bad', 'round ' + (r + 1) + ' · agent ' + agent + ': ' + (reply.answer ?? 'no answer')));
          if (reply.summary) cell.append(element('pre', '', 'summary shown: ' + reply.summary));
          cell.append(element('pre', '', reply.text));
          row.appendChild(cell);
        });
        rounds.appendChild(row);
      });
      details.appendChild(rounds);
      box.appendChild(details);
    }
  }
  select.addEventListener('change', () => show(select.value));
  if (stages.length > 0) show(stages[0]);
  window.maftReport = { charts: charts.length, debates: results.samples.length };
})();
`;

/** Models left untrained (fewer rows than the trainer's minimum): each keeps its previous model. */
function skippedTrainingCard(results: RunResults): string {
  const skipped = results.skippedTraining ?? [];
  if (skipped.length === 0) return '';
  const rows = skipped
    .map(
      (skip) =>
        `<tr><td>${escapeHtml(skip.method)}</td><td>${skip.iteration}</td><td>${skip.agent === null ? 'shared' : `agent ${skip.agent} ${skip.role}`}</td><td>${skip.rows}</td><td>${escapeHtml(skip.reason)}</td></tr>`,
    )
    .join('');
  return `<div class="card"><h2 style="margin-top:0">Models not trained</h2><table><thead><tr><th>method</th><th>iteration</th><th>model</th><th>rows</th><th>why</th></tr></thead><tbody>${rows}</tbody></table></div>\n`;
}
