import type { Command } from 'commander';
import type { DatasetSize } from '../../spec/run-results.js';
import { buildTrainingData } from '../../pipeline/stages.js';
import { criticKindsOf, labelsOf, rightOf } from '../../report/label-accuracy-grid.js';
import { datasetDirectory, stageId } from '../../run-store/run-plan.js';
import { withRunContext } from '../open-run-context.js';
import { addStageOptions, selectStage, type StageFlags } from '../stage-selection.js';

interface BuildDataFlags extends StageFlags {
  json?: boolean;
}

/**
 * One line per model: its generator rows, the critic's candidates D⁻ and D⁺, and the critic's rows after the mix;
 * then how many of its rows are right against the ground truth (the critic's split into D⁻ and D⁺), next to how
 * often one agent's round-1 answer was (label-accuracy-grid.ts; absent for data built before these counts existed).
 */
export function formatDatasetSizes(sizes: readonly DatasetSize[], title: string): string {
  const lines = sizes.flatMap((size) => {
    const labels = labelsOf(size);
    const kinds = criticKindsOf(size);
    const split =
      kinds === null || size.critic === 0
        ? ''
        : ` = D⁻ corrected ${rightOf(kinds.corrected.right, kinds.corrected.rows)} + D⁺ confirmed ${rightOf(kinds.confirmed.right, kinds.confirmed.rows)}`;
    return [
      `  ${size.agent === null ? 'shared model' : `agent ${size.agent}`}: generator ${size.generator}, D⁻ corrected ${size.corrected}, D⁺ confirmed ${size.confirmed}, critic ${size.critic}`,
      ...(labels === null
        ? []
        : [
            `    labels right ${rightOf(labels.right, labels.rows)}: generator ${rightOf(size.generatorRight, size.generator)}, critic ${rightOf(size.criticRight, size.critic)}${split}; round 1 right ${rightOf(size.firstRoundRight, size.firstRoundReplies)}`,
          ]),
    ];
  });
  return `${[title, ...lines].join('\n')}\n`;
}

/**
 * `maft build-data <run-dir>`: the training data of one method at one iteration (the stage `maft run` runs,
 * `<method>/iteration-<k>/data`), from the finetune-split records of that iteration, with the run's settings
 * (`finetune.*` of its config): canonical rows, OpenAI / TRL / ShareGPT exports and summary.json under
 * artifacts/data/<method>/iteration-<k>/. Re-running a stage that is done changes nothing.
 */
export async function runBuildDataCommand(directory: string, flags: BuildDataFlags): Promise<void> {
  await withRunContext(
    { directory, existing: true, noModels: true, check: (config) => void selectStage(flags, config, 1) },
    async (context) => {
      const { method, iteration } = selectStage(flags, context.config, 1);
      await buildTrainingData(context, method, iteration);
      const dataDirectory = datasetDirectory(method, iteration);
      const summary = JSON.parse(context.run.readArtifact(`${dataDirectory}/summary.json`) ?? '{}') as {
        sizes?: DatasetSize[];
        source?: string;
        files?: string[];
      };
      const sizes = summary.sizes ?? [];
      if (flags.json) {
        process.stdout.write(
          `${JSON.stringify({ stage: stageId(method, iteration, 'data'), source: summary.source, directory: `artifacts/${dataDirectory}`, sizes, files: summary.files ?? [] })}\n`,
        );
        return;
      }
      process.stdout.write(
        formatDatasetSizes(sizes, `${directory}: ${stageId(method, iteration, 'data')} from ${summary.source ?? '?'}`),
      );
      process.stdout.write(`  files under artifacts/${dataDirectory}/\n`);
    },
  );
}

export function registerBuildDataCommand(program: Command): void {
  const command = program
    .command('build-data')
    .description(
      "build a method's training data of an iteration from the run's finetune-split records (the run's finetune settings)",
    )
    .argument('<run-dir>', 'a run directory (made by maft run or maft debate)')
    .option('--json', 'print the sizes as one JSON object');
  addStageOptions(command, 'the iteration the data is for (default 1)').action(runBuildDataCommand);
}
