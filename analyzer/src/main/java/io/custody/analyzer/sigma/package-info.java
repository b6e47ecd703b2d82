/**
 * A SigmaHQ rule engine for JSON events: rules are evaluated exactly as written or skipped with the
 * reason. Entry points: {@link io.custody.analyzer.sigma.SigmaRules}, {@link io.custody.analyzer.sigma.SigmaEngine}.
 */
package io.custody.analyzer.sigma;
