import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { ConnectionType } from '../../common/graphql/pagination';

@ObjectType('ApiKey', { description: 'A service credential; the secret is shown only when created' })
export class ApiKeyType {
  @Field(() => ID)
  id!: string;

  @Field()
  name!: string;

  @Field({ description: 'Public part of the key (chk_<prefix>_...), for recognising it in logs' })
  prefix!: string;

  @Field(() => [String])
  roles!: string[];

  @Field()
  domain!: string;

  @Field(() => ID)
  createdBy!: string;

  @Field()
  createdAt!: Date;

  @Field(() => Date, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => Date, { nullable: true })
  revokedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  lastUsedAt!: Date | null;
}

@ObjectType('ApiKeyConnection')
export class ApiKeyConnection extends ConnectionType(ApiKeyType) {}

@ObjectType('CreatedApiKey')
export class CreatedApiKeyType {
  @Field(() => ApiKeyType)
  apiKey!: ApiKeyType;

  @Field({ description: 'The full key. Store it now: Charter keeps only its hash.' })
  secret!: string;
}

@InputType()
export class CreateApiKeyInput {
  @Field()
  name!: string;

  @Field(() => [String], { description: 'Charter roles, usually ["service"]' })
  roles!: string[];

  @Field(() => String, { nullable: true, description: 'Domain the roles apply in; default "*" (all)' })
  domain?: string | null;

  @Field(() => Date, { nullable: true })
  expiresAt?: Date | null;
}
