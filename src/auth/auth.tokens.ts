/** Nest injection token for the TokenVerifier built by OpenID discovery at start. */
export const TOKEN_VERIFIER = Symbol('TOKEN_VERIFIER');
