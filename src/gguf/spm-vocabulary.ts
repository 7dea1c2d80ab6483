/**
 * A compact SentencePiece-style vocabulary (`tokenizer.ggml.model = "llama"`) for maft's tiny models.
 *
 * Layout: `<unk>`, `<s>`, `</s>`, `<|im_start|>`, `<|im_end|>`, the 256 byte-fallback tokens `<0x00>`…`<0xFF>`,
 * then normal pieces: printable ASCII, `▁` (a space) and `\n`, `▁`-prefixed words, digits and operators,
 * LaTeX pieces. llama.cpp's SPM tokenizer starts from single characters and merges adjacent symbols whose
 * concatenation is a token, so every multi-character piece comes with all its prefixes to be reachable.
 * Characters outside the vocabulary are spelled with byte tokens, so every string round-trips.
 */
import {
  chatMlEndToken,
  chatMlStartToken,
  chatMlTemplate,
  tinyVocabularyLatex,
  tinyVocabularyWords,
} from './chatml.js';
import { gguf, type GgufMetadata } from './gguf-types.js';

/** llama.cpp's `llama_token_type` values as stored in `tokenizer.ggml.token_type`. */
export const tokenTypes = { normal: 1, unknown: 2, control: 3, userDefined: 4, unused: 5, byte: 6 } as const;

/** SentencePiece's word-boundary marker, U+2581: stands for a space inside pieces. */
export const spaceMarker = '\u2581';

export interface TinyVocabulary {
  readonly tokens: readonly string[];
  readonly bosId: number;
  readonly eosId: number;
  /** The `tokenizer.*` metadata, chat template included. */
  readonly metadata: GgufMetadata;
}

/**
 * `words`: whole words that get their own (`▁`-prefixed and bare) tokens; default maft's tiny list. A model
 * trained on fixed prompts (the arithmetic base model) passes the prompts' words, so each costs one token.
 */
export function createSpmVocabulary(
  words: readonly string[] = tinyVocabularyWords,
  options: { readonly spacedDigits?: boolean } = {},
): TinyVocabulary {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const index = new Map<string, number>();
  const add = (text: string, type: number, score = 0): void => {
    if (index.has(text)) return;
    index.set(text, tokens.length);
    tokens.push(text);
    types.push(type);
    scores.push(score);
  };
  add('<unk>', tokenTypes.unknown);
  add('<s>', tokenTypes.control);
  add('</s>', tokenTypes.control);
  add(chatMlStartToken, tokenTypes.control);
  add(chatMlEndToken, tokenTypes.control);
  for (let byte = 0; byte < 256; byte++) {
    add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, tokenTypes.byte);
  }
  // Normal pieces score like SentencePiece's log-probabilities: earlier (more common) pieces higher. Only the
  // merge order depends on it; any order yields a valid tokenization.
  const firstNormal = tokens.length;
  const addNormal = (text: string): void => add(text, tokenTypes.normal, -(tokens.length - firstNormal));
  addNormal(spaceMarker);
  addNormal('\n');
  for (let code = 0x21; code <= 0x7e; code++) addNormal(String.fromCharCode(code));
  const pieces = [
    ...words.map((word) => spaceMarker + word),
    ...words,
    ...(options.spacedDigits === false ? '+-*/=()' : '0123456789+-*/=()')
      .split('')
      .map((symbol) => spaceMarker + symbol),
    ...tinyVocabularyLatex,
    ...tinyVocabularyLatex.map((piece) => spaceMarker + piece),
    '\n\n',
  ];
  for (const piece of pieces) {
    const characters = [...piece];
    for (let length = 2; length <= characters.length; length++) addNormal(characters.slice(0, length).join(''));
  }

  const bosId = index.get('<s>') as number;
  const eosId = index.get(chatMlEndToken) as number;
  const metadata: GgufMetadata = {
    'tokenizer.ggml.model': gguf.string('llama'),
    'tokenizer.ggml.tokens': gguf.stringArray(tokens),
    'tokenizer.ggml.scores': gguf.float32Array(scores),
    'tokenizer.ggml.token_type': gguf.int32Array(types),
    'tokenizer.ggml.bos_token_id': gguf.uint32(bosId),
    // eos is <|im_end|>, so generation stops at the end of a ChatML turn.
    'tokenizer.ggml.eos_token_id': gguf.uint32(eosId),
    'tokenizer.ggml.unknown_token_id': gguf.uint32(index.get('<unk>') as number),
    'tokenizer.ggml.padding_token_id': gguf.uint32(index.get('</s>') as number),
    'tokenizer.ggml.add_bos_token': gguf.bool(true),
    'tokenizer.ggml.add_eos_token': gguf.bool(false),
    // SentencePiece would prepend a space to the text (and to each text after a special token); maft's models
    // see text exactly as written, which keeps ChatML turns and training data unambiguous.
    'tokenizer.ggml.add_space_prefix': gguf.bool(false),
    'tokenizer.chat_template': gguf.string(chatMlTemplate),
  };
  return { tokens, bosId, eosId, metadata };
}
