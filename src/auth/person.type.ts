import { Field, ID, ObjectType } from '@nestjs/graphql';

/** Someone who has signed in (a row of principals), as every module shows people: by name, with the e-mail. */
@ObjectType('Person', { description: 'Someone who has signed in: a principal with the name and e-mail their identity provider gave' })
export class PersonType {
  @Field(() => ID, { description: 'Principal id' })
  id!: string;

  @Field(() => String, { nullable: true })
  email!: string | null;

  @Field(() => String, { nullable: true })
  name!: string | null;
}
