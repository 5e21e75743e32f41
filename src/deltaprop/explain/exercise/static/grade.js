// The grader of `deltaprop check`, for the offline interactive sheet: the same rules, line for line.
//
// steps.py   -> handStep(): the training step as a learner does it by hand, each number from the numbers written
//               before it (the learner's own where they wrote one), with the values each typical slip gives;
// grading.py -> grade(): right, follow-through (right from the learner's own earlier numbers) or wrong, the slip
//               named once.
// tests/exercise/test_interactive_grading.py runs this file in Chromium against the Python grader on many random
// sheets and slips: a change to either side must be made to both.
"use strict";

const DeltapropGrade = (() => {
  const EPS = 2.220446049250313e-16;                  // np.finfo(float64).eps
  const TINY = 2.2250738585072014e-308;               // np.finfo(float64).tiny
  const ONE_MINUS = 1 - 1.1102230246251565e-16;       // 1 − np.finfo(float64).epsneg
  const EXP_LIMIT = Math.log(Number.MAX_VALUE) - 1;
  const REL_TOL = 0.005, ABS_TOL = 0.0005, STEP_ROUNDING = 0.5e-6;

  // ------------------------------------------------------------ arrays (n × d, lists of rows)
  const map2 = (A, f) => A.map((row, s) => row.map((v, j) => f(v, s, j)));
  const matmulT = (A, W) => A.map((row) => W.map((w) => row.reduce((sum, v, k) => sum + v * w[k], 0)));   // A Wᵀ
  const matmul = (A, W) => A.map((row) => W[0].map((_, j) => row.reduce((sum, v, i) => sum + v * W[i][j], 0)));  // A W

  // ------------------------------------------------------------ activations.py and losses.py
  function activation(spec) {
    const [name, arg] = String(spec).split(":");
    const slope = arg === undefined ? 0.01 : Number(arg);
    const rows = (f) => (Z) => map2(Z, f);
    const table = {
      sigmoid: { forward: rows((z) => 1 / (1 + Math.exp(-Math.max(z, -EXP_LIMIT)))), prime: (z, a) => a * (1 - a) },
      tanh: { forward: rows(Math.tanh), prime: (z, a) => 1 - a * a },
      relu: { forward: rows((z) => Math.max(z, 0)), prime: (z) => (z > 0 ? 1 : 0) },
      "leaky-relu": { forward: rows((z) => Math.max(z, slope * z)), prime: (z) => (z > 0 ? 1 : slope) },
      linear: { forward: rows((z) => z), prime: () => 1 },
      softmax: {
        elementwise: false,
        forward: (Z) => Z.map((row) => {
          const m = Math.max(...row), e = row.map((z) => Math.exp(z - m)), sum = e.reduce((x, y) => x + y, 0);
          return e.map((v) => v / sum);
        }),
      },
    };
    const act = table[{ logistic: "sigmoid", identity: "linear", leaky_relu: "leaky-relu" }[name] || name];
    if (!act) throw new Error(`unknown activation ${spec}`);
    return { name, elementwise: act.elementwise !== false, ...act,
             derivative: (Z, A) => map2(Z, (z, s, j) => act.prime(z, A[s][j])) };
  }

  const clip = (a) => Math.min(Math.max(a, TINY), ONE_MINUS);
  const mean = (A, f) => A.reduce((sum, row, s) => sum + row.reduce((t, a, j) => t + f(a, s, j), 0), 0) / A.length;
  const LOSSES = {
    quadratic: { value: (A, Y) => mean(A, (a, s, j) => 0.5 * (a - Y[s][j]) ** 2), gradient: (A, Y) => map2(A, (a, s, j) => a - Y[s][j]) },
    "binary-cross-entropy": {
      fused: "sigmoid",
      value: (A, Y) => mean(A, (a, s, j) => -(Y[s][j] * Math.log(clip(a)) + (1 - Y[s][j]) * Math.log1p(-clip(a)))),
      gradient: (A, Y) => map2(A, (a, s, j) => (clip(a) - Y[s][j]) / (clip(a) * (1 - clip(a)))),
    },
    "cross-entropy": {
      fused: "softmax",
      value: (A, Y) => mean(A, (a, s, j) => -Y[s][j] * Math.log(Math.max(a, TINY))),
      gradient: (A, Y) => map2(A, (a, s, j) => -Y[s][j] / clip(a)),
    },
  };

  // ------------------------------------------------------------ steps.py
  const tag = (s, n) => (n > 1 ? `[${s + 1}]` : "");
  function ids(kind, layer, j, k, s = 0, n = 1) {
    if (kind === "z" || kind === "a" || kind === "delta") return `${kind}${layer}_${j + 1}${tag(s, n)}`;
    if (kind === "dw") return `dC/dw${layer}_${j + 1}${k + 1}`;
    if (kind === "db") return `dC/db${layer}_${j + 1}`;
    if (kind === "w+") return `w${layer}_${j + 1}${k + 1}+`;
    return `b${layer}_${j + 1}+`;
  }
  const expect = (value, candidates = [value], slips = {}, base = null) => ({ value, candidates, slips, base });
  const step = (old, g, eta) => expect(old - eta * g, [old - eta * g],
                                       { plus_update: old + eta * g, no_eta: old - g, no_update: old }, old);

  function handStep(sheet, answers = {}, given = {}) {
    const net = sheet.network, W = net.weights, B = net.biases, L = W.length, eta = net.learning_rate;
    const acts = net.activations.map(activation), loss = LOSSES[net.loss], X = sheet.inputs, Y = sheet.targets;
    const n = X.length, offset = sheet.numbering.startsWith("deltaprop") ? 0 : 1, out = {}, gb = {};
    const take = (qid, e) => {
      out[qid] = e;
      if (qid in answers) return answers[qid];
      return qid in given ? given[qid] : e.value;
    };
    const fill = (kind, l, expected, candidates, slips = {}) => map2(expected, (v, s, j) => take(
      ids(kind, l + offset, j, 0, s, n),
      expect(v, candidates.map((c) => c[s][j]), Object.fromEntries(Object.entries(slips).map(([k, m]) => [k, m[s][j]])))));
    const derivatives = (l, Z, A) => { const act = acts[l - 1]; return [act.derivative(Z, act.forward(Z)), act.derivative(Z, A)]; };

    const forwardZ = (l, Aprev) => {
      const w = W[l - 1], b = B[l - 1];
      const scale = matmulT(map2(Aprev, Math.abs), map2(w, Math.abs)).map((row) => row.map((v, j) => v + Math.abs(b[j])));
      const Z = map2(matmulT(Aprev, w), (z, s, j) => z + b[j]);
      const noise = (z, s, j) => z !== 0 && Number.isFinite(scale[s][j]) && Math.abs(z) <= 8 * EPS * scale[s][j];
      const clean = map2(Z, (z, s, j) => (noise(z, s, j) ? 0 : z));        // 0.1 + 0.2 − 0.3 is 0 by hand
      return fill("z", l, clean, [clean], { no_bias: map2(clean, (z, s, j) => z - b[j]) });
    };
    const forwardA = (l, Z) => { const A = acts[l - 1].forward(Z); return fill("a", l, A, [A], { no_activation: Z }); };
    const cost = (A) => {
      const C = loss.value(A, Y), slips = n > 1 ? { sum_batch: n * C } : {};
      if (net.loss === "quadratic") slips.no_half = 2 * C;
      take("C", expect(C, [C], slips));
    };
    const outputDelta = (Z, A) => {
      const act = acts[L - 1], grad = loss.gradient(A, Y);
      const elementwiseSlip = () => ({ softmax_elementwise: map2(grad, (g, s, j) => g * A[s][j] * (1 - A[s][j])) });
      let delta, candidates, slips;
      if (loss.fused === act.name) {
        delta = map2(A, (a, s, j) => a - Y[s][j]);
        slips = act.elementwise ? { no_sigma: grad } : elementwiseSlip();
        candidates = [delta];
      } else if (act.elementwise) {
        candidates = derivatives(L, Z, A).map((d) => map2(grad, (g, s, j) => g * d[s][j]));
        [delta, slips] = [candidates[0], { no_sigma: grad }];
      } else {                                                      // softmax with another cost: the Jacobian
        const dot = grad.map((row, s) => row.reduce((sum, g, j) => sum + g * A[s][j], 0));
        delta = map2(A, (a, s, j) => a * (grad[s][j] - dot[s]));
        [candidates, slips] = [[delta], elementwiseSlip()];
      }
      slips.sign = map2(delta, (v) => -v);
      return fill("delta", L, delta, candidates, slips);
    };
    const gradients = (l, D, Aprev) => {
      const N = l + offset;
      return W[l - 1].map((w, j) => {
        const row = w.map((_, k) => {
          const g = D.reduce((sum, d, s) => sum + d[j] * Aprev[s][k], 0) / n;
          return take(ids("dw", N, j, k), expect(g, [g], { sign: -g, ...(n > 1 ? { sum_batch: n * g } : {}) }));
        });
        const g = D.reduce((sum, d) => sum + d[j], 0) / n;
        gb[`${l},${j}`] = take(ids("db", N, j), expect(g, [g], { sign: -g, ...(n > 1 ? { sum_batch: n * g } : {}) }));
        return row;
      });
    };
    const hiddenDelta = (l, Dabove, Z, A, GWabove) => {
      const w = W[l], into = matmul(Dabove, w), primes = derivatives(l, Z, A);
      const candidates = primes.map((p) => map2(into, (v, s, j) => v * p[s][j]));
      const updated = matmul(Dabove, map2(w, (v, i, j) => v - eta * GWabove[i][j]));
      return fill("delta", l, candidates[0], candidates, {
        no_sigma: into, updated_weights: map2(updated, (v, s, j) => v * primes[0][s][j]),
        sign: map2(candidates[0], (v) => -v) });
    };

    const A = [X], Z = [null];
    for (let l = 1; l <= L; l++) { Z.push(forwardZ(l, A[l - 1])); A.push(forwardA(l, Z[l])); }
    cost(A[L]);
    let D = outputDelta(Z[L], A[L]);
    const GW = [];
    for (let l = L; l >= 1; l--) {
      GW[l] = gradients(l, D, A[l - 1]);
      if (l > 1) D = hiddenDelta(l - 1, D, Z[l - 1], A[l - 1], GW[l]);
    }
    for (let l = 1; l <= L; l++) {
      W[l - 1].forEach((w, j) => {
        w.forEach((old, k) => take(ids("w+", l + offset, j, k), step(old, GW[l][j][k], eta)));
        if (net.update_biases[l - 1]) take(ids("b+", l + offset, j), step(B[l - 1][j], gb[`${l},${j}`], eta));
      });
    }
    return out;
  }

  // ------------------------------------------------------------ grading.py
  const tolerance = (v) => Math.max(ABS_TOL, REL_TOL * Math.abs(v));
  function close(x, value, base = null) {
    if (base === null || base === undefined || value === base) return Math.abs(x - value) <= tolerance(value);
    const stepTaken = value - base;
    return Math.abs((x - base) - stepTaken) <= Math.min(tolerance(stepTaken), 0.5 * Math.abs(stepTaken)) + STEP_ROUNDING;
  }
  const matches = (x, value, slips, base) => close(x, value, base) &&
    !Object.values(slips).some((s) => close(x, s, base) && Math.abs(x - s) < Math.abs(x - value));
  function distinct(slips, value, base = null) {
    const margin = base !== null && base !== undefined ? Math.max(0.1 * Math.abs(value - base), 2 * STEP_ROUNDING)
      : 1e-4 + 1e-3 * Math.abs(value);
    return Object.fromEntries(Object.entries(slips).filter(([, v]) => Number.isFinite(v) && Math.abs(v - value) > margin));
  }
  function nearest(x, slips, base) {
    const near = Object.entries(slips).filter(([, v]) => close(x, v, base)).map(([k, v]) => [Math.abs(x - v), k]);
    near.sort((p, q) => p[0] - q[0] || (p[1] < q[1] ? -1 : p[1] > q[1] ? 1 : 0));
    return near.length ? near[0][1] : null;
  }
  function one(q, x, e) {
    const base = q.base === undefined ? null : q.base;
    const result = { id: q.id, status: "missing", given: x === undefined ? null : x, expected: q.value, slip: null,
                     repeat: false, follows: null };
    if (x === undefined || x === null) return result;
    const differs = Math.abs(e.value - q.value) > 1e-9 * Math.max(1, Math.abs(q.value));
    if (differs) result.follows = e.value;
    const own = distinct(e.slips, e.value, e.base);
    if (matches(x, q.value, q.slips, base)) result.status = "right";
    else if (differs && e.candidates.some((c) => matches(x, c, own, base))) result.status = "follow-through";
    else {
      result.status = "wrong";
      result.slip = nearest(x, own, base) || nearest(x, q.slips, base);
    }
    return result;
  }

  /** The grade of `answers` ({id: number}) on `sheet` (the sheet's JSON): a result per question, as `check --json`. */
  function grade(sheet, answers) {
    const given = Object.fromEntries(sheet.given.map((q) => [q.id, q.value]));
    const follows = handStep(sheet, answers, given), named = new Set();
    const results = sheet.questions.map((q) => {
      const r = one(q, answers[q.id], follows[q.id]);
      if (r.slip) { r.repeat = named.has(r.slip); named.add(r.slip); }
      return r;
    });
    const count = (ok) => results.filter((r) => ok.includes(r.status)).length;
    return { score: count(["right"]), score_with_follow_through: count(["right", "follow-through"]),
             total: results.length, results };
  }

  /** A typed number as `deltaprop check` reads one: a decimal comma, a typographic minus, spaces in it. */
  function parse(text) {
    let v = String(text).trim().replace(/\u2212/g, "-").replace(/[\u00a0 ]/g, "");
    if (v.includes(",") && !v.includes(".")) v = v.replace(/,/g, ".");
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v)) return null;
    const x = Number(v);
    return Number.isFinite(x) ? x : null;
  }

  return { grade, handStep, parse };
})();
