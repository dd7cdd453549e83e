export {
  conversionFactor,
  convert,
  type Dimension,
  formatChangeQuantity,
  formatNumber,
  formatQuantity,
  isUnspecifiedUnit,
  KNOWN_UNITS,
  parseQuantity,
  parseUnit,
  type Quantity,
  type Unit,
  unknownUnitMessage,
} from './unit.ts';
export { type LimitValue, resolveLimit } from './limit.ts';
