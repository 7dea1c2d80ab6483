/** The records stage `maft debate` writes and `maft eval` reads: records/debate.jsonl. */
export const debateStage = 'debate';
