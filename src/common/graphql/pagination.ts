import { ArgsType, Field, Int, ObjectType } from '@nestjs/graphql';
import type { Type } from '@nestjs/common';
import { AppError, isUuid } from '../app-error';

@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Connection<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/** Builds a `XConnection { nodes, pageInfo }` object type for a node type. */
export function ConnectionType<T>(node: Type<T>): Type<Connection<T>> {
  @ObjectType({ isAbstract: true })
  abstract class ConnectionClass implements Connection<T> {
    @Field(() => [node])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;
  }
  return ConnectionClass as unknown as Type<Connection<T>>;
}

export const MAX_PAGE_SIZE = 200;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { defaultValue: 50, description: `Page size, 1..${MAX_PAGE_SIZE}` })
  first = 50;

  @Field(() => String, { nullable: true, description: 'endCursor of the previous page' })
  after?: string | null;
}

export function validatePageSize(first: number): number {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw AppError.badInput('first', `first must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** Opaque cursors wrap the sort key so clients cannot depend on its shape. */
export function encodeCursor(key: string | number): string {
  return Buffer.from(`c:${key}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string, field = 'after'): string {
  const raw = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!raw.startsWith('c:')) throw AppError.badInput(field, `${field} is not a cursor returned by this API`);
  return raw.slice(2);
}

/** The keyset cursor of lists ordered by (time, id) descending: `<ISO time>|<id>`. */
export function encodeTimeIdCursor(at: Date, id: string | number): string {
  return encodeCursor(`${at.toISOString()}|${id}`);
}

/** Reads encodeTimeIdCursor's cursor whose id is a UUID; anything else is a BAD_USER_INPUT on `field`. */
export function decodeTimeIdCursor(cursor: string, field = 'after'): { at: string; id: string } {
  const [at, id] = decodeCursor(cursor, field).split('|');
  if (!at || !id || Number.isNaN(Date.parse(at)) || !isUuid(id)) throw AppError.badInput(field, `${field} is not a cursor returned by this API`);
  return { at, id };
}

/** Given `first + 1` rows, returns the page and its pageInfo. */
export function toConnection<R, T>(rows: R[], first: number, key: (row: R) => string | number, map: (row: R) => T): Connection<T> {
  const page = rows.slice(0, first);
  const last = page.at(-1);
  return {
    nodes: page.map(map),
    pageInfo: { hasNextPage: rows.length > first, endCursor: last === undefined ? null : encodeCursor(key(last)) },
  };
}
