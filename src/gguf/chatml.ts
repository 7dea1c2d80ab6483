/**
 * ChatML, the chat format of maft's own models: `<|im_start|>role\ncontent<|im_end|>\n` per message, then
 * `<|im_start|>assistant\n` to prompt a reply. node-llama-cpp recognises this template and resolves its
 * `ChatMLChatWrapper`, which stops generation at `<|im_end|>`.
 */
export const chatMlStartToken = '<|im_start|>';
export const chatMlEndToken = '<|im_end|>';

/** The Jinja template stored as `tokenizer.chat_template`. */
export const chatMlTemplate =
  "{%- for message in messages %}{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{%- endfor %}{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}";

/**
 * Whole words that get their own tokens in maft's tiny vocabularies: the debate and arithmetic prompts, ChatML
 * roles and the answer format. Anything else is spelled from characters (or bytes), so the list only changes
 * efficiency, never what can be written.
 */
export const tinyVocabularyWords = [
  'the',
  'answer',
  'is',
  'of',
  'and',
  'to',
  'a',
  'in',
  'so',
  'we',
  'it',
  'that',
  'this',
  'are',
  'be',
  'not',
  'first',
  'then',
  'final',
  'step',
  'problem',
  'solution',
  'result',
  'compute',
  'add',
  'subtract',
  'multiply',
  'plus',
  'minus',
  'times',
  'equals',
  'correct',
  'agree',
  'other',
  'agents',
  'agent',
  'think',
  'Let',
  'The',
  'So',
  'What',
  'Using',
  'solutions',
  'as',
  'additional',
  'information',
  'updated',
  'response',
  'your',
  'Make',
  'sure',
  'state',
  'form',
  'at',
  'end',
  'user',
  'assistant',
  'system',
] as const;

/** LaTeX pieces of the answer format (`\boxed{42}`) that get their own tokens. */
export const tinyVocabularyLatex = ['\\boxed', '\\frac', '\\times', '\\cdot', '\\sqrt'] as const;
