using System.Text.Json;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>A corpus file that a server stored.</summary>
internal sealed record StoredFile(string Path, string Study, string Series, string Sop, string Sha256, ServerHarness Server)
{
    public string InstanceUrl => $"/dicom-web/studies/{Study}/series/{Series}/instances/{Sop}";
    public string SeriesUrl => $"/dicom-web/studies/{Study}/series/{Series}";
    public string StudyUrl => $"/dicom-web/studies/{Study}";
}

/// <summary>
/// The whole well-formed corpus stored through STOW-RS. Several corpus files share a SOP Instance UID (one CT in many
/// transfer syntaxes), and a server keeps the first of those, so the files are spread over "generations": generation k
/// holds the k-th file of each SOP Instance UID, each in its own server, so that every file is stored somewhere.
/// </summary>
public sealed class WadoCorpusFixture : IAsyncLifetime
{
    private readonly List<ServerHarness> _servers = [];
    private readonly Dictionary<string, StoredFile> _stored = new(StringComparer.Ordinal);

    internal IReadOnlyDictionary<string, StoredFile> Stored => _stored;

    internal IReadOnlyList<ServerHarness> Servers => _servers;

    public async Task InitializeAsync()
    {
        var generations = new List<List<(string Path, string? Sop)>>();
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var path in TestData.DicomPaths())
        {
            var sop = Text(TestData.Entry(path), "sop_instance_uid");
            var generation = sop == null ? 0 : seen.TryGetValue(sop, out var count) ? count : 0;
            if (sop != null) seen[sop] = generation + 1;
            while (generations.Count <= generation) generations.Add([]);
            generations[generation].Add((path, sop));
        }

        foreach (var generation in generations)
        {
            var server = await ServerHarness.StartAsync();
            _servers.Add(server);
            var body = new MultipartBody();
            foreach (var (path, _) in generation) body.Part(await File.ReadAllBytesAsync(TestData.PathOf(path)));
            var response = await server.Client.PostAsync("/dicom-web/studies", body.Close().ToContent());
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            if (!json.RootElement.TryGetProperty("00081199", out var referenced)) continue;
            foreach (var item in referenced.GetProperty("Value").EnumerateArray())
            {
                var sop = item.GetProperty("00081155").GetProperty("Value")[0].GetString()!;
                var path = generation.Single(g => g.Sop == sop).Path;
                var entry = TestData.Entry(path);
                _stored[path] = new StoredFile(path, Text(entry, "study_instance_uid")!, Text(entry, "series_instance_uid")!, sop,
                    entry.GetProperty("sha256").GetString()!, server);
            }
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var server in _servers) await server.DisposeAsync();
    }

    internal static string? Text(JsonElement entry, string name) =>
        entry.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
