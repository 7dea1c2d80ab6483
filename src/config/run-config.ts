import { z } from 'zod';
import { answerFallbacks } from '../grading/extract-answer.js';
import { gradingModes } from '../grading/grading-mode.js';
import { criticMixModes, methodNames } from '../spec/methods.js';
import { backendConfigSchema, samplingConfigSchema, societyShape, taskConfigSchema } from './config-sections.js';
import { trainerConfigSchema } from './trainer-config.js';

export { trainerConfigSchema } from './trainer-config.js';

/**
 * The configuration of `maft run` (the whole method: L iterations of multiagent finetuning and the paper's
 * baselines, on one task), as written in a YAML file. Every field says its unit, default and meaning. The
 * resolved form (defaults filled in) is stored in the run directory; resuming a run with a config that
 * resolves differently is refused, naming what differs.
 */

export const runConfigSchema = z.strictObject({
  task: taskConfigSchema.describe(
    'The problems: the finetune split and, unless `evalTask` is given, the held-out split. Required.',
  ),
  evalTask: taskConfigSchema
    .optional()
    .describe(
      'Held-out problems from another source (e.g. a test file when `task` reads the train file). Default: the eval split of `task`. ' +
        'A held-out problem whose question is also a finetune problem is refused.',
    ),
  split: z
    .strictObject({
      seed: z.int().default(0).describe('Split seed. Default 0.'),
      finetuneCount: z
        .int()
        .min(1)
        .default(500)
        .describe('Problems debated each iteration to make training data (no labels used). Default 500 (the paper).'),
      evalCount: z
        .int()
        .min(1)
        .default(500)
        .describe('Held-out problems every method is evaluated on. Default 500 (the paper).'),
    })
    .prefault({}),
  society: z.strictObject(societyShape).prefault({}).describe('The society: N agents debating M rounds.'),
  sampling: samplingConfigSchema.prefault({}),
  seed: z
    .int()
    .default(0)
    .describe(
      "The run's seed: every call's seed, shuffle, tie-break, data mix and LoRA init derive from it. Default 0.",
    ),
  problemConcurrency: z
    .int()
    .min(1)
    .max(1024)
    .default(16)
    .describe(
      "Problems debated at once (a backend's own concurrency bounds requests). A debate round waits for all its agents, so with few problems in flight the decoders idle at each round's end: on the embedded engine's default two contexts a core, 16 problems keep them busy (docs/benchmarks.md, \"Every core\"). A setting of the session: replies are the same at any value, so a resume may change it. Default 16.",
    ),
  methodChains: z
    .enum(['parallel', 'sequential'])
    .optional()
    .describe(
      "How `maft run` orders the finetuning methods after the base stages. `parallel`: one chain per method (its iterations in order) and the chains at once, so one method's one-job training stage (single-agent FT) overlaps another's debates and no core idles; `sequential`: iteration k of every method before iteration k + 1 of any, one stage at a time. Results are the same either way (every reply has its own seed and is decoded alone; a training job is the same plan whenever it runs), so it is a setting of the session: a resume may change it. Default (absent): parallel when every local worker is single-threaded (backend.threads 1 and the embedded trainer's threads 1, or hosted/remote work), where extra workers just share the cores; sequential when any runs more than 1 thread, since spinning threads collapse when the cores are oversubscribed.",
    ),
  fallbacks: z
    .array(z.enum(answerFallbacks as [string, ...string[]]))
    .optional()
    .describe(
      "The paper's extraction fallbacks when a reply has no \\boxed{} (given, they replace the default extraction's rules); default per answer type.",
    ),
  grading: z
    .enum(gradingModes as [string, ...string[]])
    .default('default')
    .describe(
      "How answers are extracted and compared, for the vote, the finetuning data and the scores (docs/grading.md). `default`: the last \\boxed{}, then answer phrases, LaTeX math, the last number, and a MATH checker that also accepts units, `x = 1`, sets in any order and equal values; `paper`: the paper's checker exactly (last box, PRM800K's MATH check), to reproduce its numbers. Default default.",
    ),
  promptsFile: z
    .string()
    .optional()
    .describe("A YAML/JSON file overriding some of the prompt templates. Default: maft's prompts."),
  backend: backendConfigSchema.describe(
    'Where every model call goes: the base model (finetuned models are adapters on it). Default: the shipped arithmetic model on the embedded engine.',
  ),
  iterations: z
    .int()
    .min(0)
    .max(50)
    .default(2)
    .describe('L, finetuning iterations. 0 evaluates the base society only. Default 2.'),
  methods: z
    .array(z.enum(methodNames))
    .min(1)
    .default(['base', 'majority', 'debate', 'multiagent-ft', 'single-agent-ft'])
    .describe(
      "The methods to evaluate on the held-out split (src/spec/methods.ts): base, majority, debate, multiagent-ft, single-agent-ft, majority-ft, star. Default: base, majority, debate, multiagent-ft, single-agent-ft (the paper's central contrast); with the openai backend and the embedded trainer base, majority, debate (that backend cannot serve the embedded trainer's adapters).",
    ),
  finetune: z
    .strictObject({
      correctedShare: z
        .number()
        .min(0)
        .max(1)
        .default(2 / 3)
        .describe(
          "w, the share of corrected rows (D⁻) in each critic's data, in [0, 1]. Default 2/3 (the released code's).",
        ),
      criticMix: z
        .enum(criticMixModes)
        .default('keep-corrected')
        .describe(
          "`keep-corrected`: every D⁻ row, and D⁺ rows up to w's ratio (the released code's rule); `w`: D⁻ and D⁺ in the share w exactly (drops D⁻ rows when D⁺ is short); `all`: every D⁻ and D⁺ row. Default keep-corrected (docs/method.md, step 3).",
        ),
      from: z
        .enum(['previous', 'base'])
        .default('previous')
        .describe(
          "`previous`: iteration k continues from iteration k−1's models (the released code's behaviour); `base`: every iteration trains fresh adapters on the base model. Default previous.",
        ),
      critics: z
        .boolean()
        .default(true)
        .describe(
          'Finetune critics too. false is the paper\'s "without critic" ablation: rounds ≥ 2 use the base model. Default true.',
        ),
    })
    .prefault({})
    .describe('What the finetuning methods learn from.'),
  star: z
    .strictObject({
      iterations: z
        .int()
        .min(1)
        .max(50)
        .optional()
        .describe(
          "STaR's own iteration count (Zelikman et al. iterate until accuracy stops rising). Default: `iterations`.",
        ),
    })
    .prefault({})
    .describe(
      'The STaR baseline: as in STaR, every iteration trains a fresh model from the base model on the data its latest model produced (never continues from the previous one).',
    ),
  trainer: trainerConfigSchema
    .prefault({})
    .describe(
      'How each model is finetuned: `kind` embedded (default), openai, together, command or hf (docs/trainers.md).',
    ),
  diversity: z
    .strictObject({
      problems: z
        .int()
        .min(0)
        .max(100000)
        .default(8)
        .describe(
          'Held-out problems (the first ones of the split, the same for every method and iteration) whose debates are read back to measure the diversity of each society with at least 2 agents (docs/diversity.md); 0 turns the diversity stages off. Default 8.',
        ),
      embeddingModel: z
        .string()
        .min(1)
        .optional()
        .describe(
          "The embedding model of the embedding dissimilarity: a GGUF file (or `hf:` URI) run by node-llama-cpp, or with `embeddingUrl` the name that server knows. Default: the run's base model (llama.cpp pools its hidden states; no embedding model ships with maft). With the openai backend and no embeddingUrl: not measured.",
        ),
      embeddingUrl: z
        .url()
        .optional()
        .describe(
          'An OpenAI-compatible base URL whose /embeddings serves `embeddingModel` (OpenAI, vLLM, llama-server --embeddings). Default: none.',
        ),
      embeddingApiKeyEnv: z
        .string()
        .regex(/^[A-Za-z_][A-Za-z0-9_]*$/)
        .default('OPENAI_API_KEY')
        .describe('The environment variable holding the key of `embeddingUrl`. Default OPENAI_API_KEY.'),
    })
    .prefault({})
    .describe(
      "The paper's diversity measures (§4.2): consensus, likelihood diversity, KL between agents and against the base model, embedding dissimilarity.",
    ),
  reportSamples: z
    .int()
    .min(0)
    .max(100)
    .default(6)
    .describe('Debates shown in the report per evaluated society. Default 6.'),
});

export type RunConfigInput = z.input<typeof runConfigSchema>;
export type RunConfig = z.output<typeof runConfigSchema>;
export type TrainerConfig = z.output<typeof trainerConfigSchema>;

/**
 * The run config's settings of a session (run-store/open-run.ts, `sessionSettings`): they schedule the work and
 * change no result, so a resume may change them without "a different config".
 */
export const runSessionSettings: readonly (keyof RunConfig)[] = ['methodChains', 'problemConcurrency'];

/**
 * The run config's settings a resume may raise (run-store/open-run.ts, `extendable`): L and STaR's own count only
 * add iterations after the run's last, and no earlier stage reads them, so `maft run --iterations 5` on a
 * finished run of 3 extends it (manifest.json records it) instead of starting over.
 */
export const runExtendableSettings: readonly string[] = ['iterations', 'star.iterations'];
