import { mmTsupConfig } from "@mm/tsup-config";

export default mmTsupConfig();
