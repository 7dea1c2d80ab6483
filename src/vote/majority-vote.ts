import type { Vote, VoteClass } from '../spec/vote.js';
import type { Random } from '../util/random.js';

export type { Vote, VoteClass };

/**
 * The paper's majority vote: answers are grouped by equivalence (so `1/2` and `0.5` are one vote, not two),
 * the largest class wins, and a tie is broken by a seeded random choice among the tied classes — not by
 * the released code's "lexicographically largest string". Missing answers never form a class.
 */
export function majorityVote(
  answers: readonly (string | null)[],
  equivalent: (a: string, b: string) => boolean,
  random: Random,
): Vote {
  const classes: VoteClass[] = [];
  let missing = 0;
  answers.forEach((answer, index) => {
    if (answer === null) {
      missing++;
      return;
    }
    const home = classes.find((group) => equivalent(answer, group.answer));
    if (home) {
      home.members.push(index);
      home.count++;
    } else {
      classes.push({ answer, members: [index], count: 1 });
    }
  });
  const ordered = classes
    .map((group, order) => ({ group, order }))
    .sort((a, b) => b.group.count - a.group.count || a.order - b.order)
    .map(({ group }) => group);
  const top = ordered[0];
  if (top === undefined) return { winner: null, classes: [], tied: false, missing };
  const tiedClasses = ordered.filter((group) => group.count === top.count);
  const chosen = tiedClasses[random.integer(0, tiedClasses.length - 1)] ?? top;
  return { winner: chosen.answer, classes: ordered, tied: tiedClasses.length > 1, missing };
}
