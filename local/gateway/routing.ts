import { type RouteDefinition, routeKey } from '../../lib/routes';

export interface CompiledRoute<Route extends RouteDefinition = RouteDefinition> {
  readonly route: Route;
  readonly routeKey: string;
  readonly pattern: RegExp;
  readonly params: readonly string[];
}

/** A route's path as a pattern: `{param}` matches one non-empty segment, everything else literally. */
export function compileRoute<Route extends RouteDefinition>(route: Route): CompiledRoute<Route> {
  const params: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment)?.[1];
      if (param === undefined) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(param);
      return '([^/]+)';
    })
    .join('/');
  return { route, routeKey: routeKey(route), pattern: new RegExp(`^${source}$`), params };
}

/** The route serving a method and raw path, with its decoded path parameters, as API Gateway matches them. */
export function matchRoute<Route extends RouteDefinition>(
  routes: readonly CompiledRoute<Route>[],
  method: string,
  rawPath: string,
) {
  for (const compiled of routes) {
    if (compiled.route.method !== method) continue;
    const found = compiled.pattern.exec(rawPath);
    if (found === null) continue;
    const params: Record<string, string> = {};
    compiled.params.forEach((name, i) => {
      params[name] = decode(found[i + 1] ?? '');
    });
    return { compiled, params };
  }
  return undefined;
}

/** API Gateway hands the function decoded path parameters; a broken escape is passed on as is. */
function decode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
