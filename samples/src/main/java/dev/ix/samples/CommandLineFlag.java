package dev.ix.samples;

/**
 * One {@code --flag value} or {@code --flag=value} of a sample's command line.
 *
 * @param name  the flag, e.g. {@code --port}
 * @param value its value
 * @param last  the index of the last argument it took: the caller goes on after it
 */
record CommandLineFlag(String name, String value, int last) {

    /** @return the flag at {@code args[i]} and its value, after '=' or in the next argument */
    static CommandLineFlag at(String[] args, int i) {
        String arg = args[i];
        int eq = arg.indexOf('=');
        if (eq >= 0) {
            return new CommandLineFlag(arg.substring(0, eq), arg.substring(eq + 1), i);
        }
        if (i + 1 < args.length) {
            return new CommandLineFlag(arg, args[i + 1], i + 1);
        }
        throw new IllegalArgumentException(arg + ": missing value");
    }
}
