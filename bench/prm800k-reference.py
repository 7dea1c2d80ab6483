"""
The paper's Python checker on the 2040 conformance cases, for the reference figure of `npm run bench:grading`
(docs/benchmarks.md). Not a dependency of maft: it needs sympy, PRM800K's `grading/` directory
(github.com/openai/prm800k, `prm800k/grading`) and pylatexenc's sources on PYTHONPATH, e.g.

    PYTHONPATH=/path/to/prm800k/prm800k:/path/to/pylatexenc python3 bench/prm800k-reference.py [../shared]
"""
import json
import sys
import time

from grading.grader import grade_answer

shared = sys.argv[1] if len(sys.argv) > 1 else '../shared'
cases = [json.loads(line) for line in open(f'{shared}/grading/math_answer_equivalence.jsonl') if line.strip()]

started = time.time()
agree = 0
slowest = (0.0, None)
for case in cases:
    case_started = time.time()
    verdict = grade_answer(case['given'], case['ground_truth'])
    elapsed = time.time() - case_started
    if elapsed > slowest[0]:
        slowest = (elapsed, case['given'])
    agree += verdict == case['equivalent']
cold = time.time() - started

started = time.time()
for case in cases:
    grade_answer(case['given'], case['ground_truth'])
warm = time.time() - started
print(f'python PRM800K grade_answer: agreement {agree}/{len(cases)}, cold {len(cases) / cold:.0f} cases/s, '
      f'warm {len(cases) / warm:.0f} cases/s, slowest {slowest[0] * 1000:.0f} ms ({slowest[1]!r})')
