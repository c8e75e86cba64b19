import { matMul, mul, reshape, softmax, split, transpose, type Tensor } from '@tensorflow/tfjs-core';
import type { ParameterStore } from './backbone-parameters';
import { createLinearLayer } from './linear-layer';

/** Multi-head self-attention over tokens `[batch, tokens, width]`. */
export interface AttentionLayer {
  /** `tokens [batch, tokens, width]` → same shape; the caller owns the result. */
  apply(tokens: Tensor): Tensor;
}

/**
 * Scaled dot-product attention, Vaswani et al. (2017) eq. 1, split into `heads` heads (§3.2.2):
 * `softmax(Q K^T / sqrt(d)) V`. Keys are transposed explicitly (no transposeB flag: the flagged
 * wasm matMul is an order of magnitude slower).
 */
export function multiHeadAttention(query: Tensor, key: Tensor, value: Tensor, heads: number): Tensor {
  const [batch, tokens, width] = query.shape as [number, number, number];
  const headWidth = width / heads;
  const splitHeads = (tensor: Tensor) => reshape(transpose(reshape(tensor, [batch, tokens, heads, headWidth]), [0, 2, 1, 3]), [batch * heads, tokens, headWidth]);
  const scores = mul(matMul(splitHeads(query), transpose(splitHeads(key), [0, 2, 1])), 1 / Math.sqrt(headWidth));
  const attended = matMul(softmax(scores), splitHeads(value));
  return reshape(transpose(reshape(attended, [batch, heads, tokens, headWidth]), [0, 2, 1, 3]), [batch, tokens, width]);
}

/** Self-attention layer: `qkv` projection, {@link multiHeadAttention}, `output` projection (optionally zero-initialised). */
export function createAttentionLayer(store: ParameterStore, name: string, width: number, heads: number, outputInitialisation: 'lecun' | 'zero' = 'lecun'): AttentionLayer {
  const qkv = createLinearLayer(store, `${name}.qkv`, width, 3 * width);
  const output = createLinearLayer(store, `${name}.output`, width, width, outputInitialisation);
  return {
    apply(tokens) {
      const [query, key, value] = split(qkv.apply(tokens), 3, 2) as [Tensor, Tensor, Tensor];
      return output.apply(multiHeadAttention(query, key, value, heads));
    },
  };
}
