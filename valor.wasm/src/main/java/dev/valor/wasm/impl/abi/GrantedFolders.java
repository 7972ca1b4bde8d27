package dev.valor.wasm.impl.abi;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps an instance's file access inside the folders its definition grants, symbolic links
 * included: Chicory's WASI refuses {@code ..} above a folder, but opens {@code etc/hostname}
 * through a link {@code etc -> /etc} inside it. Each directory descriptor the module holds is
 * known with its host path; a path is allowed when what it names, links resolved, lies in a
 * granted folder.
 */
final class GrantedFolders {

    /** WASI gives the preopened folders the descriptors after stdin, stdout and stderr, in order. */
    private static final int FIRST_PREOPEN = 3;

    private final List<Path> roots = new ArrayList<>();
    private final Map<Integer, Path> directories = new HashMap<>(); // one instance's, on its thread

    GrantedFolders(Map<String, Path> granted) {
        int fd = FIRST_PREOPEN;
        for (Path host : granted.values()) {
            Path absolute = host.toAbsolutePath().normalize();
            directories.put(fd++, absolute);
            try {
                roots.add(absolute.toRealPath());
            } catch (IOException e) {
                // a folder gone since the deploy: nothing in it to allow
            }
        }
    }

    boolean isEmpty() {
        return directories.isEmpty();
    }

    /** Whether {@code path}, relative to the directory descriptor {@code fd}, names something in a granted folder. */
    boolean allows(int fd, String path) {
        Path base = directories.get(fd);
        if (base == null) {
            return true; // not a directory this instance holds: WASI answers EBADF or ENOTDIR itself
        }
        Path target = base.resolve(path).normalize();
        // What does not exist yet is judged by the nearest part that does.
        Path existing = target;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return false;
        }
        try {
            Path real = existing.toRealPath();
            return roots.stream().anyMatch(real::startsWith);
        } catch (IOException e) {
            return false;
        }
    }

    /** Records what a successful open gave: a directory descriptor is a base for later paths. */
    void opened(int fd, int dirFd, String path) {
        Path base = directories.get(dirFd);
        Path target = base == null ? null : base.resolve(path).normalize();
        if (target != null && Files.isDirectory(target)) {
            directories.put(fd, target);
        } else {
            directories.remove(fd);
        }
    }
}
