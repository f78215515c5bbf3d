import { Field, ID, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A role held in a domain; domain "*" means every domain' })
export class RoleBindingType {
  @Field()
  role!: string;

  @Field()
  domain!: string;
}

@ObjectType('Me', { description: 'The signed-in caller' })
export class MeType {
  @Field(() => ID)
  id!: string;

  @Field({ description: 'Casbin subject, e.g. user:<id> or apikey:<id>' })
  subject!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;

  @Field({ description: 'user or service' })
  kind!: string;

  @Field(() => [String], { description: 'Role names, from identity-provider groups or the API key' })
  roles!: string[];

  @Field(() => [String], { description: 'Domains the roles apply to ("*" = all)' })
  domains!: string[];

  @Field(() => [RoleBindingType])
  roleBindings!: RoleBindingType[];
}
