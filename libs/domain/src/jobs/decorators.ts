/** Combines property decorators into one (Nest's `applyDecorators`, without depending on Nest). */
export function applyDecorators(...decorators: PropertyDecorator[]): PropertyDecorator {
  return (target, key) => {
    for (const decorate of decorators) decorate(target, key);
  };
}
