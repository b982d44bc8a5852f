package io.smoothdeploy.local.emulator;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a package zip for the emulator's slot runtime: a {@value PackageManifest#FILE_NAME} (see
 * {@link PackageManifest}) and a token {@code site/index.html}.
 * <pre>{@code
 * Path zip = SamplePackage.of("cms", "2.0").coldStartSeconds(3).supportsReadOnly(false)
 *         .writeTo(packages.resolve("cms-2.0.zip"));
 * }</pre>
 * Deploy it as {@code https://any.host/any/path/cms-2.0.zip?any-sas} once the emulator
 * {@link AzureEmulator#servePackagesFrom serves packages from} {@code packages}.
 */
public final class SamplePackage {

    private final String name;
    private final String version;
    private Duration coldStart = Duration.ZERO;
    private boolean supportsReadOnly = true;
    private String databaseModeSetting;
    private String connectionStringName;
    private String connectionStringType;
    private String startupFailure;
    private PackageManifest.IpFilter ipFilter;
    private String migrationFailure;
    private final Map<String, PackageManifest.Page> pages = new LinkedHashMap<>();

    private SamplePackage(String name, String version) {
        this.name = name;
        this.version = version;
    }

    public static SamplePackage of(String name, String version) {
        return new SamplePackage(name, version);
    }

    public SamplePackage coldStartSeconds(double seconds) {
        this.coldStart = Duration.ofMillis(Math.round(seconds * 1000));
        return this;
    }

    public SamplePackage supportsReadOnly(boolean supportsReadOnly) {
        this.supportsReadOnly = supportsReadOnly;
        return this;
    }

    public SamplePackage databaseModeSetting(String appSettingName) {
        this.databaseModeSetting = appSettingName;
        return this;
    }

    /** The connection string type whose environment-variable prefix the app reads (default SQLAzure). */
    public SamplePackage connectionStringType(String connectionStringType) {
        this.connectionStringType = connectionStringType;
        return this;
    }

    public SamplePackage connectionStringName(String connectionStringName) {
        this.connectionStringName = connectionStringName;
        return this;
    }

    /** Every request answers 500 with this first line and a stack trace. */
    public SamplePackage startupFailure(String firstLine) {
        this.startupFailure = firstLine;
        return this;
    }

    /** Requests without {@code header: value} answer 403. */
    public SamplePackage ipFilter(String header, String value) {
        this.ipFilter = new PackageManifest.IpFilter(header, value);
        return this;
    }

    /**
     * The same, except that client addresses listed in the app setting {@code allowListSetting} (comma-separated)
     * are admitted without the header: the allow-list lives in configuration, not in the package.
     */
    public SamplePackage ipFilter(String header, String value, String allowListSetting) {
        this.ipFilter = new PackageManifest.IpFilter(header, value, allowListSetting);
        return this;
    }

    /** Starting in ReadWrite mode fails with this first line. */
    public SamplePackage migrationFailure(String firstLine) {
        this.migrationFailure = firstLine;
        return this;
    }

    public SamplePackage page(String path, int status, String body) {
        pages.put(path, new PackageManifest.Page(status, body));
        return this;
    }

    public PackageManifest manifest() {
        return new PackageManifest(name, version, coldStart, supportsReadOnly, databaseModeSetting,
                connectionStringName, connectionStringType, startupFailure, ipFilter, migrationFailure, pages);
    }

    /** The same package always has the same bytes, so its SHA-256 can be written down (README, tests). */
    private static ZipEntry entry(String name) {
        ZipEntry entry = new ZipEntry(name);
        entry.setTime(FIXED_ENTRY_TIME);
        return entry;
    }

    private static final long FIXED_ENTRY_TIME = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

    /** The SHA-256 of a file, as 64 lower-case hex digits: what a pipeline passes as packageSha256. */
    public static String sha256(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[64 * 1024];
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                digest.update(buffer, 0, n);
            }
            return java.util.HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read package " + file, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** Writes the zip (creating parent directories, replacing a file there). @return {@code zip} */
    public Path writeTo(Path zip) {
        try {
            Path parent = zip.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(zip); ZipOutputStream entries = new ZipOutputStream(out)) {
                entries.putNextEntry(entry(PackageManifest.FILE_NAME));
                entries.write(manifest().toJson());
                entries.closeEntry();
                entries.putNextEntry(entry("site/index.html"));
                entries.write(("<html><body>" + name + " " + version + "</body></html>\n")
                        .getBytes(StandardCharsets.UTF_8));
                entries.closeEntry();
            }
            return zip;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write package " + zip, e);
        }
    }
}
