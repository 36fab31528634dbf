using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using DicomWeb.Dicom;

namespace DicomWeb.LoadTest;

/// <summary>What <c>seed</c> stored, so that <c>run</c> can address it on every target.</summary>
internal sealed record SeedManifest(string SeriesStudy, string Series, List<string> SeriesInstances,
    string MetadataStudy, string MetadataSeries, int MetadataInstances,
    string FramesStudy, string FramesSeries, string FramesInstance, int Frames);

/// <summary>
/// Generates the benchmark data from one template file (new UIDs per instance) and stores it by STOW-RS on each target;
/// optionally also writes the Part 10 files to a folder a static file server (nginx) serves as <c>{sop}.dcm</c>.
/// </summary>
internal static class Seed
{
    public static async Task<SeedManifest> RunAsync(IReadOnlyList<string> targets, string template, string? staticFolder, int seriesSize, int studySize, int frames)
    {
        var source = DicomFile.Open(template, new DicomReaderOptions { BulkDataThreshold = long.MaxValue });
        var pixels = ((DicomDataElement)source.Dataset.Get(DicomTags.PixelData)!).GetBytes().ToArray();
        var root = $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";
        var manifest = new SeedManifest($"{root}.1", $"{root}.1.1", [], $"{root}.2", $"{root}.2.1", studySize, $"{root}.3", $"{root}.3.1", $"{root}.3.1.1", frames);
        if (staticFolder != null) Directory.CreateDirectory(staticFolder);
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(30) };

        var batch = new List<byte[]>();
        async Task FlushAsync()
        {
            foreach (var target in targets) await StowAsync(http, target, batch);
            batch.Clear();
        }
        async Task AddAsync(string study, string series, string sop, byte[] framePixels, int frameCount)
        {
            var bytes = Build(source, study, series, sop, framePixels, frameCount);
            if (staticFolder != null) await File.WriteAllBytesAsync(Path.Combine(staticFolder, sop + ".dcm"), bytes);
            batch.Add(bytes);
            if (batch.Sum(b => (long)b.Length) > 64L * 1024 * 1024) await FlushAsync();
        }

        for (var i = 1; i <= seriesSize; i++)
        {
            var sop = $"{manifest.Series}.{i}";
            manifest.SeriesInstances.Add(sop);
            await AddAsync(manifest.SeriesStudy, manifest.Series, sop, pixels, 1);
        }
        for (var i = 1; i <= studySize; i++) await AddAsync(manifest.MetadataStudy, manifest.MetadataSeries, $"{manifest.MetadataSeries}.{i}", pixels, 1);
        var many = new byte[(long)pixels.Length * frames];
        for (var f = 0; f < frames; f++) pixels.CopyTo(many, (long)f * pixels.Length);
        await AddAsync(manifest.FramesStudy, manifest.FramesSeries, manifest.FramesInstance, many, frames);
        await FlushAsync();
        return manifest;
    }

    private static byte[] Build(DicomFile source, string study, string series, string sop, byte[] pixels, int frames)
    {
        var dataset = source.Dataset;
        dataset.SetStrings(DicomTags.StudyInstanceUID, DicomVR.UI, study);
        dataset.SetStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, series);
        dataset.SetStrings(DicomTags.SOPInstanceUID, DicomVR.UI, sop);
        if (frames > 1) dataset.SetStrings(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(CultureInfo.InvariantCulture));
        else dataset.Remove(DicomTags.NumberOfFrames);
        dataset.Set(new DicomDataElement(DicomTags.PixelData, DicomVR.OW, pixels));
        source.FileMetaInformation.Remove(DicomTags.MediaStorageSOPInstanceUID);
        using var stream = new MemoryStream();
        DicomFileWriter.Write(stream, source);
        return stream.ToArray();
    }

    private static async Task StowAsync(HttpClient http, string baseUrl, List<byte[]> files)
    {
        if (files.Count == 0) return;
        const string boundary = "LoadTestBoundary7f3a";
        var body = new MemoryStream();
        foreach (var file in files)
        {
            body.Write("\r\n--"u8);
            body.Write(System.Text.Encoding.ASCII.GetBytes(boundary));
            body.Write("\r\nContent-Type: application/dicom\r\n\r\n"u8);
            body.Write(file);
        }
        body.Write(System.Text.Encoding.ASCII.GetBytes($"\r\n--{boundary}--\r\n"));
        var content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length);
        content.Headers.TryAddWithoutValidation("Content-Type", $"multipart/related; type=\"application/dicom\"; boundary={boundary}");
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl.TrimEnd('/') + "/studies") { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/dicom+json"));
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"STOW to {baseUrl} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public static void Save(SeedManifest manifest, string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(manifest, new JsonSerializerOptions { WriteIndented = true }));

    public static SeedManifest Load(string path) => JsonSerializer.Deserialize<SeedManifest>(File.ReadAllText(path))!;
}
