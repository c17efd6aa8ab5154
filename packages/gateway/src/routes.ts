/** The CLOB paths the gateway calls, as @mm/protocol defines them. */
import { CLOB_PATHS } from "@mm/protocol";

export const VENUE_PATHS = {
  order: CLOB_PATHS.postOrder,
  orders: CLOB_PATHS.postOrders,
  cancelAll: CLOB_PATHS.cancelAll,
  openOrders: CLOB_PATHS.openOrders,
  orderById: CLOB_PATHS.order,
  trades: CLOB_PATHS.trades,
  balanceAllowance: CLOB_PATHS.balanceAllowance,
  heartbeats: CLOB_PATHS.heartbeats,
} as const;
