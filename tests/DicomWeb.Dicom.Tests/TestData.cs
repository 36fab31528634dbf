using System.Text.Json;

namespace DicomWeb.Dicom.Tests;

/// <summary>Finds the shared corpus (../shared/testdata beside the repository) and its manifest.</summary>
internal static class TestData
{
    private static readonly Lazy<string> RootPath = new(FindRoot);
    private static readonly Lazy<IReadOnlyList<JsonElement>> ManifestFiles = new(LoadManifest);

    /// <summary>Full path of the testdata folder.</summary>
    public static string Root => RootPath.Value;

    /// <summary>Full path of a corpus file given its manifest path (e.g. "native/ct_explicit_le.dcm").</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>The manifest's <c>files[]</c> entries.</summary>
    public static IReadOnlyList<JsonElement> Manifest => ManifestFiles.Value;

    /// <summary>The manifest entry for a path.</summary>
    public static JsonElement Entry(string relative) => Manifest.Single(e => e.GetProperty("path").GetString() == relative);

    /// <summary>Manifest paths of DICOM files (the raw reference frame excluded), optionally outside malformed/.</summary>
    public static IEnumerable<string> DicomPaths(bool includeMalformed = false) =>
        Manifest.Select(e => e.GetProperty("path").GetString()!)
            .Where(p => !p.EndsWith(".raw", StringComparison.Ordinal))
            .Where(p => includeMalformed || !p.StartsWith("malformed/", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);

    /// <summary>xunit member data: one case per path.</summary>
    public static TheoryData<string> Cases(IEnumerable<string> paths)
    {
        var data = new TheoryData<string>();
        foreach (var path in paths) data.Add(path);
        return data;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "testdata");
            if (File.Exists(Path.Combine(candidate, "manifest.json"))) return candidate;
        }
        throw new DirectoryNotFoundException($"no shared/testdata above {AppContext.BaseDirectory}");
    }

    private static IReadOnlyList<JsonElement> LoadManifest()
    {
        using var stream = File.OpenRead(Path.Combine(Root, "manifest.json"));
        using var document = JsonDocument.Parse(stream);
        return document.RootElement.GetProperty("files").EnumerateArray().Select(e => e.Clone()).ToList();
    }
}
