/**
 * The diversity of one held-out debate (docs/diversity.md): its agents' final-round replies read back under each
 * agent's own final-round model and under the base model, and embedded. The same model (by id) is read once per
 * reply; the reads of one reply run concurrently, so an engine with several contexts does them side by side.
 */
import type { Embedder, ReplyDistributions, ReplyScorer } from '../spec/chat-model.js';
import type { DebateTranscript } from '../spec/debate.js';
import { cosineDissimilarity, meanOf, meanOverPairs, meanTokenKl, meanTokenNll } from './measures.js';

/** What a society's diversity is measured with; a missing part leaves its measures null. */
export interface DiversityModels {
  /** Per agent: the model that wrote its final-round reply (its critic when M ≥ 2, else its generator). */
  scorers?: ReplyScorer[];
  /** The base model (for the finetuned-vs-base KL). */
  base?: ReplyScorer;
  embedder?: Embedder;
}

/** One debate's measures: a line of `records/<method>/iteration-<k>/diversity.jsonl`. */
export interface DiversityRecord {
  problemId: string;
  question: string;
  agents: number;
  /** Share of agents whose final answer is in the final vote's winning class. */
  consensus: number;
  /** Mean over (held-out agent n, other agent m) of the per-token NLL of m's reply under n's model, in nats. */
  likelihoodNll: number | null;
  /** Mean over replies and ordered agent pairs (a, b) of the per-token KL(p_a ‖ p_b) on that reply, in nats. */
  agentKl: number | null;
  /** Mean over agents of the per-token KL(p_own ‖ p_base) on the agent's own reply, in nats. */
  baseKl: number | null;
  /** Mean over agent pairs of 1 − cos of their replies' embeddings. */
  embeddingDissimilarity: number | null;
  /** The embedder's id, or null when none measured. */
  embeddingModel: string | null;
  /** Reply tokens read back (all replies, once per distinct model). */
  scoredTokens: number;
}

export async function measureDebate(transcript: DebateTranscript, models: DiversityModels): Promise<DiversityRecord> {
  const rounds = transcript.votes.length;
  const finals = transcript.agents.map((agent) => ({
    messages: agent.conversation.slice(0, 2 * rounds - 1),
    reply: agent.turns[rounds - 1]?.response.text ?? '',
  }));
  const agents = finals.length;
  const final = transcript.votes[rounds - 1];
  const winning = final?.classes.find((group) => group.answer === final.winner);
  const consensus = (winning?.count ?? 0) / Math.max(1, agents);

  let likelihoodNll: number | null = null;
  let agentKl: number | null = null;
  let baseKl: number | null = null;
  let scoredTokens = 0;
  const { scorers, base } = models;
  if (scorers !== undefined && scorers.length === agents) {
    const distinct = new Map<string, ReplyScorer>();
    for (const scorer of [...scorers, ...(base ? [base] : [])]) distinct.set(scorer.id, scorer);
    // read[m].get(id): reply m under the model `id`.
    const read: Map<string, ReplyDistributions>[] = [];
    for (const { messages, reply } of finals) {
      const entries = await Promise.all(
        [...distinct].map(async ([id, scorer]) => [id, await scorer.distributions(messages, reply)] as const),
      );
      for (const [, scored] of entries) scoredTokens += scored.tokens.length;
      read.push(new Map(entries));
    }
    const under = (m: number, scorer: ReplyScorer) => read[m]?.get(scorer.id) as ReplyDistributions;
    const nonEmpty = (m: number) => (under(m, scorers[m]!).tokens.length > 0 ? m : null);
    likelihoodNll = meanOf(
      finals.flatMap((_, m) =>
        nonEmpty(m) === null ? [] : scorers.map((scorer, n) => (n === m ? null : meanTokenNll(under(m, scorer)))),
      ),
    );
    agentKl = meanOf(
      finals.map((_, m) =>
        nonEmpty(m) === null
          ? null
          : meanOverPairs(agents, (a, b) => meanTokenKl(under(m, scorers[a]!), under(m, scorers[b]!))),
      ),
    );
    if (base !== undefined) {
      baseKl = meanOf(
        finals.map((_, m) => (nonEmpty(m) === null ? null : meanTokenKl(under(m, scorers[m]!), under(m, base)))),
      );
    }
  }

  let embeddingDissimilarity: number | null = null;
  if (models.embedder !== undefined) {
    const vectors = await models.embedder.embed(finals.map((entry) => entry.reply));
    embeddingDissimilarity = meanOverPairs(
      agents,
      (a, b) => cosineDissimilarity(vectors[a] ?? [], vectors[b] ?? []),
      false,
    );
  }
  return {
    problemId: transcript.problemId,
    question: transcript.question,
    agents,
    consensus,
    likelihoodNll,
    agentKl,
    baseKl,
    embeddingDissimilarity,
    embeddingModel: models.embedder?.id ?? null,
    scoredTokens,
  };
}
