/**
 * The base model's card (models/arithmetic-base.md), rendered from the recipe's own report (pure): how it
 * was made, its size and training time, and its measured accuracy, with the command that reproduces it.
 */
import type { CriticStyle } from './arithmetic-curriculum.js';
import type { BaseModelCardInput } from './make-arithmetic-base.js';

const percent = (value: number) => `${(100 * value).toFixed(1)}%`;

/** What the curriculum taught its critics (arithmetic-curriculum.ts, criticStyles). */
const criticBehaviour = {
  weighed: 'keeping an answer another agent confirmed, working the problem again when the others contradict it',
  checks:
    'keeping an answer another agent confirmed; otherwise checking every answer on the table by the addition that undoes its last subtraction, then answering',
  'checks-always':
    'checking every answer on the table, a confirmed one too, by the addition that undoes its last subtraction, then answering',
  careful:
    'keeping an answer only when both other agents found it too, and otherwise working the problem again with the last subtraction as two easy steps (tens, then units)',
  columns:
    'keeping an answer only when both other agents found it too, and otherwise working the problem again with the last subtraction digit by digit (units, then tens)',
} as const;

/** A stage a later stage continued (`maft base-model --init … --init-report …`): its report and its command. */
export interface EarlierStage {
  report: EarlierStageReport;
  /** The command that makes the stage's file (stageCommands), which the next stage's `--init` names. */
  command: string;
}

/** What the card shows of an earlier stage (the fields of its report JSON it reads). */
export interface EarlierStageReport {
  examples: number;
  trainTokens: number;
  trainSeconds: number;
  threads: number;
  seed: number;
  windowLength: number;
  windowsPerStep: number;
  learningRate: number;
  max: number;
  critic?: CriticStyle | undefined;
  kindShares: readonly number[];
  /** The model this stage continued (its `--init`); null or absent for a stage trained from scratch. */
  init?: string | null | undefined;
  /** Index of the stage's first synthetic conversation (`--first-example`). */
  firstExample?: number | undefined;
  /** sha256 of the GGUF the report describes (hex); absent in reports made before it was recorded. */
  sha256?: string | undefined;
}

/** The flags of a stage's recipe that change its file (the measurement's --eval does not). */
const recipeFlags = (report: EarlierStageReport): string[] => [
  `--examples ${report.examples}`,
  `--window ${report.windowLength}`,
  `--windows-per-step ${report.windowsPerStep}`,
  `--learning-rate ${report.learningRate}`,
  `--max ${report.max}`,
  `--critic ${report.critic ?? 'weighed'}`,
  `--mix ${report.kindShares.join(',')}`,
  `--seed ${report.seed}`,
  `--threads ${report.threads}`,
];

const reportOf = (model: string) => `${model.replace(/\.gguf$/, '')}.json`;

/**
 * The command that remakes a stage trained from scratch, from its report: e.g. the shipped first stage, whose
 * report predates recorded commands.
 */
export function stageCommand(report: EarlierStageReport, out: string): string {
  return `npx maft base-model ${[`--out ${out}`, ...recipeFlags(report), `--report ${reportOf(out)}`].join(' ')}`;
}

/**
 * The commands that remake a chain of stages (readEarlierStages, first stage first), the last writing `lastOut`
 * (the file the later command's --init names). Each stage writes the file the next one's report names as its
 * `init`; a continued stage is remade with `--init-report` so that its report records the chain again.
 */
export function stageCommands(chain: readonly EarlierStageReport[], lastOut: string): EarlierStage[] {
  const outOf = (index: number): string =>
    index === chain.length - 1 ? lastOut : (chain[index + 1]?.init ?? `stage-${index + 1}.gguf`);
  return chain.map((report, index) => {
    if (index === 0) return { report, command: stageCommand(report, outOf(0)) };
    const previous = outOf(index - 1);
    const out = outOf(index);
    const flags = [
      `--init ${previous}`,
      `--init-report ${reportOf(previous)}`,
      `--first-example ${report.firstExample ?? 0}`,
      `--out ${out}`,
      ...recipeFlags(report),
      `--report ${reportOf(out)}`,
    ];
    return { report, command: `npx maft base-model ${flags.join(' ')}` };
  });
}

/** One stage's row of the card's table: what it trained on, and from what. */
function stageRow(stage: EarlierStageReport, index: number, count: number): string {
  const what = `${stage.examples} synthetic conversations (${(stage.trainTokens / 1e6).toFixed(2)}M tokens), critics \`${stage.critic ?? 'weighed'}\`, mix ${stage.kindShares.map((share) => percent(share)).join(' / ')}, peak lr ${stage.learningRate}, ${(stage.trainSeconds / 60).toFixed(1)} min on ${stage.threads} thread(s)`;
  if (count === 1) return `| earlier stage | the model this one continues: full-parameter from scratch, ${what} |\n`;
  const from =
    index === 0
      ? 'full-parameter from scratch'
      : `continues stage ${index}, from conversation ${stage.firstExample ?? 0}`;
  return `| stage ${index + 1} of ${count + 1} | ${from}, ${what} |\n`;
}

/**
 * The card of a model made by `command`, continuing the chain `earlier` (first stage first; empty or absent for a
 * model trained from scratch).
 */
export function renderModelCard(
  report: BaseModelCardInput,
  command: string,
  earlier: readonly EarlierStage[] = [],
): string {
  const { evaluation, greedy } = report;
  const earlierRow = earlier.map((stage, index) => stageRow(stage.report, index, earlier.length)).join('');
  const continuing =
    earlier.length === 0
      ? ''
      : earlier.length === 1
        ? ', continuing the earlier stage'
        : `, continuing stage ${earlier.length}`;
  return `# maft's arithmetic base model

\`models/arithmetic-base.gguf\` is a ${(report.parameters / 1e6).toFixed(1)}M-parameter llama-architecture model that maft
trains from scratch on a CPU, because no pretrained weights can be downloaded where maft is built and tested. It
answers maft's arithmetic prompts (\`a+b*c+d-e*f\`, values 0..${report.max}) with worked steps ending in \`\\boxed{N}\`,
summarises other agents' answers, and gives updated answers in debates — ${criticBehaviour[report.critic ?? 'weighed']}. It is deliberately imperfect (${percent(1 - evaluation.accuracy)} of
its answers are wrong at the paper's sampling), so a majority of agents is right more often than one agent: the regime
where the method can be measured for real on a laptop.

| | |
|---|---|
| file | ${(report.bytes / 1e6).toFixed(1)} MB, F32 (exact conversion of the trained weights) |
| shape | n_embd ${report.shape.embeddingLength}, ${report.shape.blockCount} blocks, ${report.shape.headCount} heads, SwiGLU ${report.shape.feedForwardLength}, context ${report.shape.contextLength} |
| vocabulary | maft's prompt words, digits (one token each, wherever they stand), ChatML control tokens, byte fallback |
${earlierRow}| training | full-parameter, ${report.examples} synthetic conversations (${(report.trainTokens / 1e6).toFixed(2)}M tokens) in one ordered pass${continuing}, ${(report.trainSeconds / 60).toFixed(1)} min on ${report.threads} thread(s) (${report.tokensPerSecond.toFixed(0)} window tokens/s) |
| windows | ${report.windowLength} tokens, ${report.windowsPerStep} per optimizer step; the longest conversation is ${report.longestExample} tokens, ${report.truncatedExamples} of ${report.examples} were cut (a critic's round-2 answer must fit whole: docs/RESULTS.md) |
| curriculum | ${report.curriculum.easyMax >= report.max ? `values 0..${report.max} throughout` : `values up to ${report.curriculum.easyMax} for the first ${percent(report.curriculum.easyShare)} of the rows, then widening to 0..${report.max} by ${percent(report.curriculum.rampEnd)}`} |
| mix | ${report.kindShares.map((share, index) => `${['answers', 'summaries', 'updates after a summary', 'updates after the answers'][index]} ${percent(share)}`).join(', ')}; critics: \`${report.critic ?? 'weighed'}\` |
| optimizer | AdamW, peak lr ${report.learningRate}, β2 0.95, warmup then cosine decay, gradient clipping 1, seed ${report.seed} |
| final training loss | ${report.finalLoss.toFixed(3)} (mean completion-token loss over the run) |

## Measured accuracy (one agent, one answer, maft's round-1 prompt)
On the first ${evaluation.problems} problems of the evaluation split of \`arithmetic\` with values 0..${report.max} (500/500 split, seed 0;
the recipe never trains on a problem of either split):

| sampling | accuracy | parsable answer |
|---|---|---|
| temperature 1, top-p 0.9 (the paper's) | ${percent(evaluation.accuracy)} (${evaluation.correct}/${evaluation.problems}) | ${percent(evaluation.parsableRate)} |
| greedy | ${percent(greedy.accuracy)} (${greedy.correct}/${greedy.problems}) | ${percent(greedy.parsableRate)} |

## Reproduce
\`\`\`sh
${earlier.map((stage) => `${stage.command}\n`).join('')}${command}
\`\`\`
Training is seeded and single-process, so the same ${earlier.length === 0 ? 'command writes' : 'commands write'} the same file on the same thread count; the
accuracy above is re-measured from the shipped file by \`test/tools/base-model/model-card.test.ts\`.
`;
}
