package dev.valor.wasm.impl.abi;

import com.dylibso.chicory.runtime.HostFunction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes WASI's file access read-only: Chicory's WASI reads and writes whatever folder it is given,
 * so the functions that could change a file are wrapped. Opening for writing, creating, truncating
 * or appending, and every call that creates, removes, renames, links, resizes or re-times, answer
 * ENOTCAPABLE. Reading and listing stay inside the granted folders, links resolved
 * ({@link GrantedFolders}); stdout and stderr are untouched.
 */
final class ReadOnlyFiles {

    /** WASI errno "capabilities insufficient". */
    private static final long ENOTCAPABLE = 76;

    private static final long O_WRITE_FLAGS = 1 | 4 | 8; // CREAT, EXCL, TRUNC
    // fd_write, fd_allocate, fd_filestat_set_size: what wasi-libc asks for only when opening to write
    private static final long RIGHTS_TO_WRITE = (1L << 6) | (1L << 8) | (1L << 22);
    private static final long FDFLAG_APPEND = 1;
    private static final Set<String> MUTATING = Set.of(
            "path_create_directory",
            "path_remove_directory",
            "path_unlink_file",
            "path_rename",
            "path_symlink",
            "path_link",
            "path_filestat_set_times",
            "fd_filestat_set_size",
            "fd_filestat_set_times",
            "fd_allocate",
            "fd_pwrite");

    /** The other calls that look at a path: what they say of a file outside is not the module's to know. */
    private static final Set<String> PATH_READS = Set.of("path_filestat_get", "path_readlink");

    private ReadOnlyFiles() {}

    /** @param granted the folders the instance is given (guest path to host folder), as its WASI options have them */
    static List<HostFunction> wrap(HostFunction[] wasi, Map<String, Path> granted) {
        GrantedFolders folders = new GrantedFolders(granted);
        List<HostFunction> out = new ArrayList<>(wasi.length);
        for (HostFunction f : wasi) {
            if (MUTATING.contains(f.name())) {
                out.add(new HostFunction(
                        f.module(), f.name(), f.functionType(), (instance, args) -> new long[] {ENOTCAPABLE}));
            } else if (f.name().equals("path_open")) {
                // path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, fd_out)
                out.add(new HostFunction(f.module(), f.name(), f.functionType(), (instance, args) -> {
                    if ((args[4] & O_WRITE_FLAGS) != 0
                            || (args[5] & RIGHTS_TO_WRITE) != 0
                            || (args[7] & FDFLAG_APPEND) != 0) {
                        return new long[] {ENOTCAPABLE};
                    }
                    String path = instance.memory().readString((int) args[2], (int) args[3]);
                    if (!folders.allows((int) args[0], path)) {
                        return new long[] {ENOTCAPABLE};
                    }
                    long[] result = f.handle().apply(instance, args);
                    if (result[0] == 0) {
                        folders.opened(instance.memory().readInt((int) args[8]), (int) args[0], path);
                    }
                    return result;
                }));
            } else if (PATH_READS.contains(f.name()) && !folders.isEmpty()) {
                // path_filestat_get(fd, flags, path, len, buf), path_readlink(fd, path, len, buf, buf_len, used)
                int pathArg = f.name().equals("path_filestat_get") ? 2 : 1;
                out.add(new HostFunction(f.module(), f.name(), f.functionType(), (instance, args) -> {
                    String path = instance.memory().readString((int) args[pathArg], (int) args[pathArg + 1]);
                    return folders.allows((int) args[0], path)
                            ? f.handle().apply(instance, args)
                            : new long[] {ENOTCAPABLE};
                }));
            } else {
                out.add(f);
            }
        }
        return out;
    }
}
