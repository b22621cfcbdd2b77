import { Injectable, NotFoundException, type PipeTransform } from '@nestjs/common';
import { findJobDefinition, type AnyJobDefinition } from '@app/domain';

/** `:name` → the job type's definition; 404 for a name that is not declared. */
@Injectable()
export class JobDefinitionPipe implements PipeTransform<string, AnyJobDefinition> {
  transform(name: string): AnyJobDefinition {
    const definition = findJobDefinition(name);
    if (!definition) throw new NotFoundException(`unknown job type "${name}"`);
    return definition;
  }
}
