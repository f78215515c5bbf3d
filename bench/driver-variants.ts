/** The builds bench/drivers.bench.ts compares (served by bench/driver-server.ts). */
export const VARIANTS = ['express-apollo', 'fastify-apollo', 'fastify-mercurius', 'fastify-mercurius-nojit'] as const;
export type Variant = (typeof VARIANTS)[number];

export const VARIANT_LABELS: Record<Variant, string> = {
  'express-apollo': 'Express + Apollo',
  'fastify-apollo': 'Fastify + Apollo',
  'fastify-mercurius': 'Fastify + Mercurius (jit)',
  'fastify-mercurius-nojit': 'Fastify + Mercurius (no jit)',
};

export const DRIVER_QUERY = '{ model { id name stage tags } }';
