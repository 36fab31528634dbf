namespace DicomWeb.Dicom.Benchmarks;

/// <summary>Locates the shared corpus (../shared/testdata beside the repository).</summary>
internal static class Corpus
{
    public static string PathOf(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata", relative);
            if (File.Exists(candidate)) return candidate;
        }
        var env = Environment.GetEnvironmentVariable("DICOM_TESTDATA");
        if (env != null && File.Exists(Path.Combine(env, relative))) return Path.Combine(env, relative);
        throw new FileNotFoundException($"corpus file {relative} not found above {AppContext.BaseDirectory}; set DICOM_TESTDATA");
    }
}
