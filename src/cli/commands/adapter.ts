import type { Command } from 'commander';
import { convertPeftToGguf, exportGgufToPeft, type ConversionSummary } from '../../adapters/convert-adapter.js';
import { MaftError } from '../../errors/maft-error.js';

interface ConvertFlags {
  base: string;
  out: string;
  type: string;
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
  const adapter = program.command('adapter').description('convert LoRA adapters between PEFT (Hugging Face, vLLM) and GGUF (llama.cpp)');
  adapter
    .command('convert <peft-dir>')
    .description('PEFT LoRA directory (adapter_config.json + adapter_model.safetensors) → GGUF LoRA adapter')
    .requiredOption('--base <model.gguf>', 'the GGUF base model the adapter was trained on (architecture, heads, shapes)')
    .requiredOption('--out <adapter.gguf>', 'the GGUF adapter to write')
    .option('--type <type>', 'storage type of A and B: f32 | f16', 'f32')
    .option('--json', 'print the summary as one JSON object')
    .action(async (peftDirectory: string, flags: ConvertFlags) => {
      const type = flags.type.toUpperCase();
      if (type !== 'F32' && type !== 'F16') throw new MaftError('CONFIG_INVALID', `expected f32 or f16, got "${flags.type}"`, { field: '--type' });
      print(await convertPeftToGguf({ peftDirectory, basePath: flags.base, outPath: flags.out, type }), flags.json, 'wrote');
    });
  adapter
    .command('export <adapter.gguf>')
    .description('GGUF LoRA adapter (e.g. one maft trained) → PEFT directory that vLLM and PEFT load')
    .requiredOption('--base <model.gguf>', 'the GGUF base model the adapter belongs to')
    .requiredOption('--out <peft-dir>', 'the PEFT directory to create (must not exist or be empty)')
    .option('--hf-model <id>', 'base_model_name_or_path to record (the HF model the GGUF was converted from)')
    .option('--json', 'print the summary as one JSON object')
    .action(async (adapterPath: string, flags: ExportFlags) => {
      const options = { adapterPath, basePath: flags.base, outDirectory: flags.out, ...(flags.hfModel === undefined ? {} : { baseModel: flags.hfModel }) };
      print(await exportGgufToPeft(options), flags.json, 'wrote');
    });
}
