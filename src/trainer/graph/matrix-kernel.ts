/**
 * Whether ggml_mul_mat of a [k, m] by a [k, n] F32 operand runs ggml's blocked matrix kernel (llamafile's
 * tinyBLAS, ggml-cpu/llamafile/sgemm.cpp): it needs k a multiple of the vector width (16 floats with
 * AVX-512, 8 with AVX2) and m a multiple of 4; otherwise ggml computes one dot product per output element,
 * several times slower (e.g. for maft's 806-token vocabulary). A speed heuristic only: both paths are exact.
 */
export function fitsMatrixKernel(k: number, m: number): boolean {
  return k % 16 === 0 && m % 4 === 0;
}
