/** Where live-agent.iife.js leaves its error classes for live-agent.deps.js (shared-errors.ts). */
export const ERRORS_KEY = Symbol.for('live-agent.errors');
