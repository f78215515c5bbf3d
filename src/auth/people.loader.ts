import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import type { FastifyRequest } from 'fastify';
import { isUuid } from '../common/app-error';
import type { PersonType } from './person.type';
import { PrincipalRepository } from './principal.repository';

interface Loaders {
  byId: DataLoader<string, PersonType | null>;
  byEmail: DataLoader<string, PersonType | null>;
}

/** The people behind principal ids (and owners' e-mails), one query per request however many a query shows. */
@Injectable()
export class PeopleLoader {
  private readonly byRequest = new WeakMap<FastifyRequest, Loaders>();

  constructor(private readonly principals: PrincipalRepository) {}

  /** Null when the id is not a principal's (actor columns are text: an API key's id, a `rule:`/`system:` label). */
  load(request: FastifyRequest, id: string): Promise<PersonType | null> {
    return this.loaders(request).byId.load(id.toLowerCase());
  }

  /**
   * The person a lineage `owner` names: a principal id, or the e-mail of someone who has signed in
   * (case-insensitive, as ownership checks compare it). Null for anything else, e.g. a team's name.
   */
  loadRef(request: FastifyRequest, ref: string): Promise<PersonType | null> {
    const r = ref.trim().toLowerCase();
    if (isUuid(r)) return this.loaders(request).byId.load(r);
    if (r.includes('@')) return this.loaders(request).byEmail.load(r);
    return Promise.resolve(null);
  }

  private loaders(request: FastifyRequest): Loaders {
    let loaders = this.byRequest.get(request);
    if (!loaders) {
      loaders = {
        byId: new DataLoader(async (ids: readonly string[]) => {
          const people = new Map((await this.principals.findPeople(ids.filter(isUuid))).map((p) => [p.id, p]));
          return ids.map((id) => people.get(id) ?? null);
        }),
        byEmail: new DataLoader(async (emails: readonly string[]) => {
          const people = new Map((await this.principals.findPeopleByEmail(emails)).map((p) => [p.email!.toLowerCase(), p]));
          return emails.map((e) => people.get(e) ?? null);
        }),
      };
      this.byRequest.set(request, loaders);
    }
    return loaders;
  }
}
