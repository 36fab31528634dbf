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

    /// <summary>Bytes from the top-level pixel data element to the end of a corpus file (0 when it has none).</summary>
    public static long PixelDataBytes(string relative)
    {
        var path = PathOf(relative);
        var header = DicomFile.Open(path, new DicomReaderOptions { StopBeforePixelData = true });
        return header.StoppedAt < 0 ? 0 : new FileInfo(path).Length - header.StoppedAt;
    }
}
