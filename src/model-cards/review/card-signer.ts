import { Injectable } from '@nestjs/common';
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import canonicalize from 'canonicalize';
import { CardRepository } from '../cards/card.repository';

export const SIGNING_KEY_ID = 'model-card-ed25519-1';

export interface SignedApproval {
  cardId: string;
  revision: number;
  contentSha256: string;
  approver: string;
  signedAt: string;
}

/**
 * Signs approvals with Ed25519. The key pair is created on first use and kept in PostgreSQL
 * (model_card_signing_keys), so every replica signs with the same key and it survives restarts;
 * the public key is published (modelCardSigningKey) so a signature can be checked outside Charter.
 */
@Injectable()
export class CardSigner {
  private keys?: Promise<{ id: string; privateKey: KeyObject; publicKey: KeyObject; publicPem: string }>;

  constructor(private readonly repository: CardRepository) {}

  private load() {
    this.keys ??= (async () => {
      const pair = generateKeyPairSync('ed25519');
      const stored = await this.repository.signingKey({
        id: SIGNING_KEY_ID,
        publicKey: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      });
      return { id: stored.id, privateKey: createPrivateKey(stored.private_key), publicKey: createPublicKey(stored.public_key), publicPem: stored.public_key };
    })().catch((error: unknown) => {
      this.keys = undefined;
      throw error;
    });
    return this.keys;
  }

  async sign(approval: SignedApproval): Promise<{ signature: string; keyId: string }> {
    const keys = await this.load();
    return { signature: sign(null, message(approval), keys.privateKey).toString('base64'), keyId: keys.id };
  }

  async verify(approval: SignedApproval, signature: string): Promise<boolean> {
    const keys = await this.load();
    return verify(null, message(approval), keys.publicKey, Buffer.from(signature, 'base64'));
  }

  async publicKey(): Promise<{ keyId: string; publicKeyPem: string }> {
    const keys = await this.load();
    return { keyId: keys.id, publicKeyPem: keys.publicPem };
  }
}

/** The signed bytes: RFC 8785 canonical JSON, so anyone can rebuild them from the API's answers. */
function message(a: SignedApproval): Buffer {
  return Buffer.from(
    canonicalize({ cardId: a.cardId, revision: a.revision, contentSha256: a.contentSha256, approver: a.approver, signedAt: a.signedAt }) ?? '',
    'utf8',
  );
}
