/**
 * The q/k row permutation of llama-family models. Hugging Face's Llama applies RoPE by rotate-half (dimension
 * i pairs with i + d/2 inside each head); llama.cpp's `llama` architecture pairs neighbours (2i, 2i + 1). Its
 * converter therefore reorders the output rows of q_proj (heads = n_head) and k_proj (heads = n_head_kv):
 *
 *   LlamaModel.permute(w, n_head, n_head_kv) =
 *     w.reshape(heads, 2, rows / heads / 2, *rest).swapaxes(1, 2).reshape(w.shape)
 *
 * i.e. GGUF row h·d + 2i + j holds HF row h·d + j·d/2 + i (d = rows per head, i < d/2, j ∈ {0, 1}). For a LoRA
 * update ΔW = B·A only B's rows are outputs, so convert_lora_to_gguf.py permutes B and leaves A alone:
 * permute(B·A) = permute(B)·A. The functions below act on row-major [rows × columns] floats, which is both
 * PEFT's lora_B [out, r] and ggml's lora_b of shape [r, out].
 */
import { MaftError } from '../errors/maft-error.js';

export function permuteRowsHfToGguf(values: Float32Array, rows: number, heads: number): Float32Array {
  return reorder(values, rows, heads, true);
}

export function permuteRowsGgufToHf(values: Float32Array, rows: number, heads: number): Float32Array {
  return reorder(values, rows, heads, false);
}

function reorder(values: Float32Array, rows: number, heads: number, toGguf: boolean): Float32Array {
  if (heads < 1 || rows % heads !== 0 || (rows / heads) % 2 !== 0 || values.length % rows !== 0) {
    throw new MaftError(
      'INPUT_INVALID',
      `cannot split ${rows} rows into ${heads} heads of even size for the RoPE permutation`,
    );
  }
  const columns = values.length / rows;
  const perHead = rows / heads;
  const half = perHead / 2;
  const out = new Float32Array(values.length);
  for (let head = 0; head < heads; head++) {
    for (let i = 0; i < half; i++) {
      for (let j = 0; j < 2; j++) {
        const ggufRow = head * perHead + 2 * i + j;
        const hfRow = head * perHead + j * half + i;
        const [from, to] = toGguf ? [hfRow, ggufRow] : [ggufRow, hfRow];
        out.set(values.subarray(from * columns, (from + 1) * columns), to * columns);
      }
    }
  }
  return out;
}
