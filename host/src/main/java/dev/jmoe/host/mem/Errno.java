package dev.jmoe.host.mem;

/**
 * The Linux errno values the memory layer can meet, with their symbolic names, so a failed syscall
 * reads "ENOMEM (Cannot allocate memory)" instead of a bare number. Numbers are the asm-generic
 * ones shared by x86_64 and aarch64.
 */
public enum Errno {
    EPERM(1, "Operation not permitted"),
    ENOENT(2, "No such file or directory"),
    EINTR(4, "Interrupted system call"),
    EIO(5, "Input/output error"),
    EBADF(9, "Bad file descriptor"),
    EAGAIN(11, "Resource temporarily unavailable"),
    ENOMEM(12, "Cannot allocate memory"),
    EACCES(13, "Permission denied"),
    EFAULT(14, "Bad address"),
    EBUSY(16, "Device or resource busy"),
    EEXIST(17, "File exists"),
    ENODEV(19, "No such device"),
    EISDIR(21, "Is a directory"),
    EINVAL(22, "Invalid argument"),
    ENFILE(23, "Too many open files in system"),
    EMFILE(24, "Too many open files"),
    EFBIG(27, "File too large"),
    ENOSPC(28, "No space left on device"),
    ENOSYS(38, "Function not implemented"),
    EOVERFLOW(75, "Value too large for defined data type"),
    EOPNOTSUPP(95, "Operation not supported"),
    /** Any number not in this table; {@link #describe(int)} still prints the number. */
    UNKNOWN(-1, "unknown error");

    private final int code;
    private final String text;

    Errno(int code, String text) {
        this.code = code;
        this.text = text;
    }

    public int code() {
        return code;
    }

    /** The entry for {@code code}, or {@link #UNKNOWN}. */
    public static Errno of(int code) {
        for (Errno e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return UNKNOWN;
    }

    /** "ENOMEM (Cannot allocate memory)", or "errno 200" for a number not in the table. */
    public static String describe(int code) {
        Errno e = of(code);
        return e == UNKNOWN ? "errno " + code : e.name() + " (" + e.text + ")";
    }
}
