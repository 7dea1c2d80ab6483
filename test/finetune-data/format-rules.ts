/**
 * Each export format's rules as the consuming tools check them, written as validators that return the
 * broken rules (empty = valid):
 * - OpenAI chat fine-tuning (the OpenAI cookbook's format checks and the weight docs): one JSON object per
 *   line with `messages`; message keys among role, content, name, weight; role system | user | assistant;
 *   string content that is not empty; at least one assistant message; `weight` only 0 or 1.
 * - TRL conversational prompt–completion (TRL dataset formats): `prompt` a list of {role, content},
 *   `completion` a list of {role, content}; here also: the prompt ends with a user turn and the completion is
 *   one assistant message, so TRL's completion-only loss lands on exactly the reply.
 * - ShareGPT / FastChat (fastchat/train/train.py `preprocess`): a JSON array of {id, conversations}, turns
 *   {from, value} with from human | gpt, alternating from human (an optional leading `system` is the
 *   Axolotl / LLaMA-Factory extension), ending with gpt.
 */
const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function openAiChatViolations(jsonl: string): string[] {
  const problems: string[] = [];
  if (jsonl !== '' && !jsonl.endsWith('\n')) problems.push('file does not end with a newline');
  jsonl
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => {
      const where = `line ${index + 1}`;
      const example = JSON.parse(line) as unknown;
      if (!isRecord(example) || !Array.isArray(example.messages)) return problems.push(`${where}: no messages list`);
      if (Object.keys(example).some((key) => key !== 'messages')) problems.push(`${where}: keys other than messages`);
      const messages = example.messages as unknown[];
      messages.forEach((message, position) => {
        if (!isRecord(message)) return problems.push(`${where}: message ${position} is not an object`);
        if (Object.keys(message).some((key) => !['role', 'content', 'name', 'weight'].includes(key)))
          problems.push(`${where}: unrecognized key`);
        if (!['system', 'user', 'assistant'].includes(message.role as string))
          problems.push(`${where}: unrecognized role`);
        if (typeof message.content !== 'string' || message.content === '') problems.push(`${where}: missing content`);
        if ('weight' in message && (message.role !== 'assistant' || (message.weight !== 0 && message.weight !== 1)))
          problems.push(`${where}: bad weight`);
      });
      const trained = messages.filter(
        (message) => isRecord(message) && message.role === 'assistant' && message.weight !== 0,
      );
      if (trained.length === 0) problems.push(`${where}: no trained assistant message`);
    });
  return problems;
}

export function trlPromptCompletionViolations(jsonl: string): string[] {
  const problems: string[] = [];
  const isMessage = (value: unknown) =>
    isRecord(value) &&
    Object.keys(value).sort().join(',') === 'content,role' &&
    typeof value.content === 'string' &&
    ['system', 'user', 'assistant'].includes(value.role as string);
  jsonl
    .split('\n')
    .slice(0, -1)
    .forEach((line, index) => {
      const where = `line ${index + 1}`;
      const example = JSON.parse(line) as unknown;
      if (!isRecord(example) || Object.keys(example).sort().join(',') !== 'completion,prompt')
        return problems.push(`${where}: keys are not prompt, completion`);
      const { prompt, completion } = example;
      if (!Array.isArray(prompt) || prompt.length === 0 || !prompt.every(isMessage))
        problems.push(`${where}: prompt is not a list of messages`);
      else if ((prompt[prompt.length - 1] as { role: string }).role !== 'user')
        problems.push(`${where}: prompt does not end with a user turn`);
      if (
        !Array.isArray(completion) ||
        completion.length !== 1 ||
        !isMessage(completion[0]) ||
        (completion[0] as { role: string }).role !== 'assistant'
      ) {
        problems.push(`${where}: completion is not one assistant message`);
      }
    });
  return problems;
}

export function shareGptViolations(json: string): string[] {
  const problems: string[] = [];
  const data = JSON.parse(json) as unknown;
  if (!Array.isArray(data)) return ['not a JSON array'];
  const ids = new Set<string>();
  data.forEach((entry, index) => {
    const where = `entry ${index}`;
    if (!isRecord(entry) || typeof entry.id !== 'string' || !Array.isArray(entry.conversations))
      return problems.push(`${where}: not {id, conversations}`);
    if (ids.has(entry.id)) problems.push(`${where}: duplicate id ${entry.id}`);
    ids.add(entry.id);
    const turns = entry.conversations as unknown[];
    const speakers = turns.map((turn) =>
      isRecord(turn) && typeof turn.value === 'string' && turn.value !== '' ? turn.from : 'invalid',
    );
    const body = speakers[0] === 'system' ? speakers.slice(1) : speakers;
    if (body.length === 0 || body.some((speaker, position) => speaker !== (position % 2 === 0 ? 'human' : 'gpt')))
      problems.push(`${where}: turns do not alternate human, gpt`);
    if (body[body.length - 1] !== 'gpt') problems.push(`${where}: does not end with gpt`);
  });
  return problems;
}
