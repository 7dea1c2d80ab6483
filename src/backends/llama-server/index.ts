/** maft's managed llama.cpp `llama-server`: launch (with an orphan guardian), restart rule, per-request LoRA. */
export { findLlamaServerBinary, cachedBinaryPath } from './binary.js';
export { llamaServerArgs, startLlamaServer, type LlamaServerLaunch, type RunningLlamaServer } from './launch.js';
export { ManagedLlamaServer, type AdapterModel, type ManagedLlamaServerOptions } from './managed-server.js';
