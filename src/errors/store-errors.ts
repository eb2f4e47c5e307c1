/** A store could not be opened or used: unreadable file, not a database, unreachable server. */
export class StoreError extends Error {
  /**
   * @param message - what went wrong and what to do about it
   * @param options - standard error options (`cause`: the driver's error)
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The database holds a schema newer than this version of eleanor-jobs understands. */
export class StoreSchemaError extends StoreError {
  /** Newest migration found in the database. */
  readonly databaseVersion: number;
  /** Newest migration this code knows. */
  readonly codeVersion: number;

  /**
   * @param databaseVersion - newest migration found in the database
   * @param codeVersion - newest migration this code knows
   */
  constructor(databaseVersion: number, codeVersion: number) {
    super(
      `The store's schema is at version ${databaseVersion}, newer than this eleanor-jobs understands (${codeVersion}); upgrade eleanor-jobs or point it at another database.`,
    );
    this.name = 'StoreSchemaError';
    this.databaseVersion = databaseVersion;
    this.codeVersion = codeVersion;
  }
}

/** The database server is older than eleanor-jobs supports. */
export class UnsupportedDatabaseVersionError extends StoreError {
  /** Version the server reported. */
  readonly serverVersion: string;
  /** Oldest supported version. */
  readonly minimumVersion: string;

  /**
   * @param serverVersion - version the server reported
   * @param minimumVersion - oldest supported version
   */
  constructor(serverVersion: string, minimumVersion: string) {
    super(`Database server version ${serverVersion} is not supported; eleanor-jobs needs ${minimumVersion} or newer.`);
    this.name = 'UnsupportedDatabaseVersionError';
    this.serverVersion = serverVersion;
    this.minimumVersion = minimumVersion;
  }
}
