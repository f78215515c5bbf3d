import { Module } from '@nestjs/common';
import { PeopleLoader } from './people.loader';
import { PrincipalRepository } from './principal.repository';

/** The principals table for the modules that show people; no token verification, so any module may import it. */
@Module({
  providers: [PrincipalRepository, PeopleLoader],
  exports: [PrincipalRepository, PeopleLoader],
})
export class PeopleModule {}
