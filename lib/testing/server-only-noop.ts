// `server-only` throws outside a React Server Components build; tests import server modules directly.
export {};
