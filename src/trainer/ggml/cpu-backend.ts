/**
 * The ggml CPU backend with an explicit thread count. The CPU code lives in variant libraries
 * (libggml-cpu-haswell.so, -skylakex…); `ggml_backend_load_all_from_path` registers the best one for this
 * processor. node-llama-cpp loads the same libraries in the same process: ggml's registry ignores a backend
 * registered twice, and loading is skipped when a CPU device is already there.
 *
 * Threads: ggml's workers spin-wait, and its default (4) on a 2-core machine made a tiny step 1000× slower
 * (notes/llama-cpp.md). The count is always set; `ggml_backend_set_n_threads` is reached through the CPU
 * registry's proc address, as ggml-backend.h intends for backend-specific functions.
 */
import koffi from 'koffi';
import { MaftError } from '../../errors/maft-error.js';
import { ggmlLibraryDirectory, loadGgml, setThreadsPrototype, type GgmlApi } from './bindings.js';
import { deviceTypeCpu, type BackendHandle, type BufferTypeHandle } from './handles.js';

export interface CpuBackend {
  readonly api: GgmlApi;
  readonly backend: BackendHandle;
  readonly bufferType: BufferTypeHandle;
  /** ggml's description of the CPU (for logs). */
  readonly description: string;
  setThreads(threads: number): void;
  dispose(): void;
}

export function createCpuBackend(threads: number): CpuBackend {
  if (!(Number.isInteger(threads) && threads >= 1)) {
    throw new MaftError('CONFIG_INVALID', `threads must be a positive integer, got ${threads}`, { field: 'threads' });
  }
  const api = loadGgml();
  let device = api.ggml_backend_dev_by_type(deviceTypeCpu);
  if (device === null) {
    api.ggml_backend_load_all_from_path(ggmlLibraryDirectory());
    device = api.ggml_backend_dev_by_type(deviceTypeCpu);
  }
  if (device === null)
    throw new MaftError('INTERNAL', "no ggml CPU backend could be loaded from node-llama-cpp's binaries");
  const backend = api.ggml_backend_dev_init(device, null);
  if (backend === null) throw new MaftError('INTERNAL', 'ggml CPU backend failed to initialise');
  const setThreadsPointer = api.ggml_backend_reg_get_proc_address(
    api.ggml_backend_dev_backend_reg(device),
    'ggml_backend_set_n_threads',
  );
  if (setThreadsPointer === null)
    throw new MaftError('INTERNAL', 'the ggml CPU backend has no ggml_backend_set_n_threads');
  let disposed = false;
  const result: CpuBackend = {
    api,
    backend,
    bufferType: api.ggml_backend_get_default_buffer_type(backend),
    description: api.ggml_backend_dev_description(device),
    setThreads(count: number): void {
      if (!(Number.isInteger(count) && count >= 1)) {
        throw new MaftError('CONFIG_INVALID', `threads must be a positive integer, got ${count}`, { field: 'threads' });
      }
      koffi.call(setThreadsPointer, setThreadsPrototype(), backend, count);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      api.ggml_backend_free(backend);
    },
  };
  result.setThreads(threads);
  return result;
}
