using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Numerics;
using System.Text;
using DicomWeb.Dicom;

namespace DicomWeb.Qido.Benchmarks;

/// <summary>
/// Seeds identical studies into several DICOMweb servers over STOW-RS, so their searches can be compared on the same data:
/// N small studies (1–4 series of 1–3 instances; Part 10 files without pixel data, about 1 KB each) are generated once
/// from a fixed seed, then posted to each target in turn in multipart requests of ~50 instances, several at a time.
/// </summary>
internal static class StudySeeder
{
    private static readonly string[] FamilyNames =
    [
        "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU", "SIMON", "LAURENT",
        "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER", "MOREL", "GIRARD", "ANDRE", "MERCIER", "DUPONT",
        "SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "MILLER", "DAVIS", "WILSON", "ANDERSON", "TAYLOR", "MUELLER", "SCHMIDT",
        "FISCHER", "WEBER", "MEYER", "WAGNER", "ROSSI", "RUSSO", "FERRARI", "BIANCHI", "YAMADA", "SATO", "SUZUKI", "TANAKA", "NGUYEN", "KIM",
    ];

    private static readonly string[] GivenNames = ["JEAN", "MARIE", "PIERRE", "ANNE", "PAUL", "SOPHIE", "JOHN", "MARY", "HANS", "ANNA", "MARCO", "YUKI"];

    private static readonly (string Modality, string SopClass)[] Modalities =
    [
        ("CT", "1.2.840.10008.5.1.4.1.1.2"), ("CT", "1.2.840.10008.5.1.4.1.1.2"), ("CT", "1.2.840.10008.5.1.4.1.1.2"),
        ("MR", "1.2.840.10008.5.1.4.1.1.4"), ("MR", "1.2.840.10008.5.1.4.1.1.4"), ("CR", "1.2.840.10008.5.1.4.1.1.1"),
        ("DX", "1.2.840.10008.5.1.4.1.1.1.1"), ("US", "1.2.840.10008.5.1.4.1.1.6.1"), ("PT", "1.2.840.10008.5.1.4.1.1.128"),
        ("SR", "1.2.840.10008.5.1.4.1.1.88.22"),
    ];

    private static readonly string[] Descriptions = ["CHEST", "ABDOMEN", "BRAIN", "KNEE LEFT", "SPINE", "PELVIS", "CARDIAC", "NECK"];

    /// <summary>Generates <paramref name="studies"/> studies and stores them in every target; returns false on any failed request.</summary>
    public static async Task<bool> SeedAsync(IReadOnlyList<string> targets, int studies, int seed, int batchSize, int concurrency, TextWriter log)
    {
        var watch = Stopwatch.StartNew();
        var files = Generate(studies, seed);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {studies:N0} studies, {files.Count:N0} instances, {files.Sum(f => (long)f.Length) / 1024.0 / 1024.0:F1} MB in {watch.Elapsed.TotalSeconds:F1} s"));
        var batches = files.Chunk(batchSize).ToArray();
        var ok = true;
        using var client = new HttpClient { Timeout = TimeSpan.FromMinutes(5) };
        foreach (var target in targets)
        {
            var url = target.TrimEnd('/') + "/studies";
            var next = -1;
            var failures = 0;
            watch.Restart();
            var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                int index;
                while ((index = Interlocked.Increment(ref next)) < batches.Length)
                {
                    using var content = Multipart(batches[index]);
                    using var response = await client.PostAsync(url, content);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref failures);
                        log.WriteLine($"  {url}: batch {index} -> {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    }
                }
            })).ToArray();
            await Task.WhenAll(workers);
            var seconds = watch.Elapsed.TotalSeconds;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{url}: {files.Count:N0} instances in {batches.Length:N0} requests of {batchSize}, {concurrency} at a time: {seconds:F1} s ({files.Count / seconds:F0} instances/s), {failures} failed"));
            ok &= failures == 0;
        }
        return ok;
    }

    private static List<byte[]> Generate(int studies, int seed)
    {
        var random = new Random(seed);
        var patientCount = Math.Max(1, studies * 7 / 10);
        var firstDay = new DateOnly(2010, 1, 1);
        var days = new DateOnly(2024, 12, 31).DayNumber - firstDay.DayNumber + 1;
        var files = new List<byte[]>(studies * 5);
        for (var s = 0; s < studies; s++)
        {
            // Patients recur (about 1.4 studies each); a patient's name and ID follow from its number.
            var patient = random.Next(patientCount);
            var patientRandom = new Random(seed ^ (patient * 7919));
            var study = new Dictionary<DicomTag, (DicomVR Vr, string Value)>
            {
                [DicomTags.SpecificCharacterSet] = (DicomVR.CS, "ISO_IR 100"),
                [DicomTags.PatientID] = (DicomVR.LO, $"PAT{patient:D7}"),
                [DicomTags.PatientName] = (DicomVR.PN,
                    $"{FamilyNames[patientRandom.Next(FamilyNames.Length)]}^{GivenNames[patientRandom.Next(GivenNames.Length)]}"),
                [DicomTags.PatientBirthDate] = (DicomVR.DA, firstDay.AddDays(-patientRandom.Next(365 * 80)).ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
                [DicomTags.PatientSex] = (DicomVR.CS, patientRandom.Next(2) == 0 ? "F" : "M"),
                [DicomTags.StudyInstanceUID] = (DicomVR.UI, NewUid(random)),
                [DicomTags.StudyDate] = (DicomVR.DA, firstDay.AddDays(random.Next(days)).ToString("yyyyMMdd", CultureInfo.InvariantCulture)),
                [DicomTags.StudyTime] = (DicomVR.TM, $"{random.Next(7, 20):D2}{random.Next(60):D2}{random.Next(60):D2}"),
                [DicomTags.AccessionNumber] = (DicomVR.SH, $"ACC{s + 1:D8}"),
                [DicomTags.StudyID] = (DicomVR.SH, (s % 10000).ToString(CultureInfo.InvariantCulture)),
                [DicomTags.StudyDescription] = (DicomVR.LO, Descriptions[random.Next(Descriptions.Length)]),
                [DicomTags.ReferringPhysicianName] = (DicomVR.PN, $"{FamilyNames[random.Next(FamilyNames.Length)]}^DR"),
            };
            var seriesCount = random.Next(1, 5);
            for (var series = 1; series <= seriesCount; series++)
            {
                var (modality, sopClass) = Modalities[random.Next(Modalities.Length)];
                var seriesUid = NewUid(random);
                var instances = random.Next(1, 4);
                for (var instance = 1; instance <= instances; instance++)
                {
                    var dataset = new DicomDataset();
                    foreach (var (tag, (vr, value)) in study) dataset.Set(new DicomDataElement(tag, vr, value));
                    dataset.Set(new DicomDataElement(DicomTags.SOPClassUID, DicomVR.UI, sopClass));
                    dataset.Set(new DicomDataElement(DicomTags.SOPInstanceUID, DicomVR.UI, NewUid(random)));
                    dataset.Set(new DicomDataElement(DicomTags.Modality, DicomVR.CS, modality));
                    dataset.Set(new DicomDataElement(DicomTags.SeriesInstanceUID, DicomVR.UI, seriesUid));
                    dataset.Set(new DicomDataElement(DicomTags.SeriesNumber, DicomVR.IS, series.ToString(CultureInfo.InvariantCulture)));
                    dataset.Set(new DicomDataElement(DicomTags.SeriesDescription, DicomVR.LO, $"{modality} SERIES {series}"));
                    dataset.Set(new DicomDataElement(DicomTags.InstanceNumber, DicomVR.IS, instance.ToString(CultureInfo.InvariantCulture)));
                    using var stream = new MemoryStream();
                    DicomFileWriter.Write(stream, new DicomFile(new DicomDataset(), dataset), DicomTransferSyntax.ExplicitVRLittleEndian);
                    files.Add(stream.ToArray());
                }
            }
        }
        return files;
    }

    // Deterministic for a seed, so reruns produce the same UIDs.
    private static string NewUid(Random random)
    {
        Span<byte> bytes = stackalloc byte[16];
        random.NextBytes(bytes);
        return "2.25." + new BigInteger(bytes, isUnsigned: true).ToString(CultureInfo.InvariantCulture);
    }

    private static ByteArrayContent Multipart(byte[][] files)
    {
        var boundary = "qido-seed-" + Guid.NewGuid().ToString("N");
        using var body = new MemoryStream();
        var partHeader = Encoding.ASCII.GetBytes($"--{boundary}\r\nContent-Type: application/dicom\r\n\r\n");
        foreach (var file in files)
        {
            body.Write(partHeader);
            body.Write(file);
            body.Write("\r\n"u8);
        }
        body.Write(Encoding.ASCII.GetBytes($"--{boundary}--\r\n"));
        var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse($"multipart/related; type=\"application/dicom\"; boundary={boundary}");
        return content;
    }
}
