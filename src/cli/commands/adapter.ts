import type { Command } from 'commander';
import { convertPeftToGguf, exportGgufToPeft, type ConversionSummary } from '../../adapters/convert-adapter.js';
import { MaftError } from '../../errors/maft-error.js';
import { readPeftAdapterRank } from '../../vllm/read-adapter-rank.js';
import { serverPathOf, type SocietyAdapter } from '../../vllm/society-adapters.js';
import { registerSocietyAdapters } from '../../vllm/vllm-lora-client.js';

interface ConvertFlags {
  base: string;
  out: string;
  type: string;
  json?: boolean;
}

interface VllmLoadFlags {
  vllm: string;
  agentsPerRound: string;
  maxLoras?: string;
  maxLoraRank?: string;
  serverPath?: string;
  json?: boolean;
}

interface ExportFlags {
  base: string;
  out: string;
  hfModel?: string;
  json?: boolean;
}

function print(summary: ConversionSummary, json: boolean | undefined, what: string): void {
  if (json === true) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const permuted = summary.permuted > 0 ? `, ${summary.permuted} q/k lora_B row-permuted for llama RoPE` : '';
  process.stdout.write(
    `${what} ${summary.output}: ${summary.architecture}, ${summary.weights} adapted weights, rank ${summary.ranks.join('/')}, alpha ${summary.alpha}${permuted}\n`,
  );
}

/**
 * `maft adapter`: LoRA adapters both ways between a GPU trainer's PEFT directory and the GGUF adapters
 * llama.cpp (embedded engine, llama-server) loads. The rules and refusals are in docs/adapters.md.
 */
export function registerAdapterCommand(program: Command): void {
  const adapter = program
    .command('adapter')
    .description('convert LoRA adapters between PEFT (Hugging Face, vLLM) and GGUF (llama.cpp)');
  adapter
    .command('convert <peft-dir>')
    .description('PEFT LoRA directory (adapter_config.json + adapter_model.safetensors) → GGUF LoRA adapter')
    .requiredOption(
      '--base <model.gguf>',
      'the GGUF base model the adapter was trained on (architecture, heads, shapes)',
    )
    .requiredOption('--out <adapter.gguf>', 'the GGUF adapter to write')
    .option('--type <type>', 'storage type of A and B: f32 | f16', 'f32')
    .option('--json', 'print the summary as one JSON object')
    .action(async (peftDirectory: string, flags: ConvertFlags) => {
      const type = flags.type.toUpperCase();
      if (type !== 'F32' && type !== 'F16')
        throw new MaftError('CONFIG_INVALID', `expected f32 or f16, got "${flags.type}"`, { field: '--type' });
      print(
        await convertPeftToGguf({ peftDirectory, basePath: flags.base, outPath: flags.out, type }),
        flags.json,
        'wrote',
      );
    });
  adapter
    .command('export <adapter.gguf>')
    .description('GGUF LoRA adapter (e.g. one maft trained) → PEFT directory that vLLM and PEFT load')
    .requiredOption('--base <model.gguf>', 'the GGUF base model the adapter belongs to')
    .requiredOption('--out <peft-dir>', 'the PEFT directory to create (must not exist or be empty)')
    .option('--hf-model <id>', 'base_model_name_or_path to record (the HF model the GGUF was converted from)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (adapterPath: string, flags: ExportFlags) => {
      const options = {
        adapterPath,
        basePath: flags.base,
        outDirectory: flags.out,
        ...(flags.hfModel === undefined ? {} : { baseModel: flags.hfModel }),
      };
      print(await exportGgufToPeft(options), flags.json, 'wrote');
    });
  adapter
    .command('vllm-load <name=dir...>')
    .description(
      'register PEFT adapters by name on a running vLLM server (/v1/load_lora_adapter), reloading names already there',
    )
    .requiredOption('--vllm <url>', 'the server, e.g. http://127.0.0.1:8000')
    .requiredOption('--agents-per-round <n>', 'N: adapters a debate round uses at once (checked against --max-loras)')
    .option('--max-loras <k>', "the server's --max-loras, when /metrics does not show it")
    .option('--max-lora-rank <r>', "the server's --max-lora-rank (vLLM exposes it nowhere): checked before loading")
    .option(
      '--server-path <prefix>',
      "where the server sees the directories, if not at the same paths (prefix replacing each dir's parent)",
    )
    .option('--json', 'print the result as one JSON object')
    .action(async (pairs: string[], flags: VllmLoadFlags) => {
      const integer = (text: string | undefined, field: string): number | undefined => {
        if (text === undefined) return undefined;
        const value = Number(text);
        if (!Number.isInteger(value) || value < 1)
          throw new MaftError('CONFIG_INVALID', `expected a positive integer, got "${text}"`, { field });
        return value;
      };
      const adapters: SocietyAdapter[] = [];
      for (const pair of pairs) {
        const at = pair.indexOf('=');
        if (at < 1) throw new MaftError('CONFIG_INVALID', `expected name=dir, got "${pair}"`, { field: 'adapters' });
        const directory = pair.slice(at + 1);
        adapters.push({
          name: pair.slice(0, at),
          path: serverPathOf(directory, flags.serverPath),
          rank: await readPeftAdapterRank(directory),
        });
      }
      const maxLoras = integer(flags.maxLoras, '--max-loras');
      const maxLoraRank = integer(flags.maxLoraRank, '--max-lora-rank');
      const report = await registerSocietyAdapters(
        { baseUrl: flags.vllm },
        {
          adapters,
          agentsPerRound: integer(flags.agentsPerRound, '--agents-per-round') ?? 1,
          limits: {
            ...(maxLoras === undefined ? {} : { maxLoras }),
            ...(maxLoraRank === undefined ? {} : { maxLoraRank }),
          },
        },
      );
      if (flags.json === true) process.stdout.write(`${JSON.stringify(report)}\n`);
      else
        for (const entry of report.loaded)
          process.stdout.write(`${entry.reloaded ? 'reloaded' : 'loaded'} ${entry.name} on ${report.baseModel}\n`);
    });
}
