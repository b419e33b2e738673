/**
 * WESTPA's own test system, ODLD, has a Python propagator (`odld_system.ODLDPropagator`), which `we` cannot run;
 * its built-in `odld` propagator is the same dynamics. This reads the parameters the class sets in `__init__`
 * (statically, python-module.ts) as that propagator's options, and the point its get_pcoord gives basis states.
 */
import { PythonModule } from './python-module.js';
import { elements, StaticEvalError, toNumber } from './python-values.js';

export interface OdldReading {
  options: Record<string, number | null>;
  /** `initial_pcoord`: the pcoord ODLDPropagator.get_pcoord gives every basis state. */
  initialPcoord?: number[];
  problems: { line: number; message: string }[];
}

/** ODLDPropagator attribute → odld option, and how the value converts. */
const PARAMETERS: { attribute: string; option: string; convert: (x: number) => number }[] = [
  { attribute: 'A', option: 'A', convert: (x) => x },
  { attribute: 'B', option: 'B', convert: (x) => x },
  { attribute: 'C', option: 'C', convert: (x) => x },
  { attribute: 'x0', option: 'x0', convert: (x) => x },
  { attribute: 'sigma', option: 'sigma_squared', convert: (x) => x * x },
];

export function readOdldPropagator(text: string, className: string): OdldReading {
  const module = PythonModule.parse(text);
  const self = module.selfAttributes(className, '__init__');
  const reading: OdldReading = { options: {}, problems: [] };
  const attempt = (attribute: string, use: (line: number) => void) => {
    const line = self.line(attribute) ?? 0;
    try {
      if (!self.has(attribute)) throw new StaticEvalError(0, `${className}.__init__ never sets self.${attribute}`);
      use(line);
    } catch (err) {
      if (!(err instanceof StaticEvalError)) throw err;
      reading.problems.push({ line: err.line || line, message: `self.${attribute}: ${err.message}` });
    }
  };
  for (const { attribute, option, convert } of PARAMETERS) {
    attempt(attribute, (line) => {
      reading.options[option] = convert(toNumber(self.get(attribute), line, `self.${attribute}`));
    });
  }
  attempt('reflect_at', (line) => {
    const value = self.get('reflect_at');
    reading.options.reflect_at = value === null ? null : toNumber(value, line, 'self.reflect_at');
  });
  attempt('initial_pcoord', (line) => {
    reading.initialPcoord = elements(self.get('initial_pcoord'), line, 'self.initial_pcoord').map((x) => toNumber(x, line, 'self.initial_pcoord'));
  });
  return reading;
}
