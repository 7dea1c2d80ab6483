/**
 * How many nodes and tensors a graph may hold. ggml asserts (aborting the process) when a graph or a
 * metadata context overflows, so the bounds are generous: a block's forward pass is about 60 nodes with
 * LoRA on all seven matrices, its backward pass about three times that, and the optimizer adds ~10 per
 * trainable tensor (a block has at most 16).
 */
export interface GraphCapacity {
  readonly nodes: number;
  readonly tensors: number;
}

export function graphCapacity(blockCount: number, withGradients: boolean): GraphCapacity {
  const perBlock = withGradients ? 1024 : 256;
  const nodes = 1024 + perBlock * blockCount;
  // Views, reshapes and permutes are tensors but not always graph nodes; count twice the nodes.
  return { nodes, tensors: 2 * nodes };
}
