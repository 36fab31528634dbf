using DicomWeb.Dicom;

namespace DicomWeb.Stow.Benchmarks;

/// <summary>Generates Part 10 files from a template: new UIDs per file, optionally many frames of the template's pixels.</summary>
internal static class TestFiles
{
    public static List<FileInfo> Generate(string folder, int count, int frames, string template)
    {
        Directory.CreateDirectory(folder);
        var source = DicomFile.Open(template, new DicomReaderOptions { BulkDataThreshold = long.MaxValue });
        var pixelTag = new DicomTag(0x7FE0, 0x0010);
        var pixels = ((DicomDataElement)source.Dataset.Get(pixelTag)!).GetBytes().ToArray();
        var framed = frames > 1 ? Repeat(pixels, frames) : pixels;
        var root = $"2.25.{Random.Shared.NextInt64(1, long.MaxValue)}";
        var files = new List<FileInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var path = Path.Combine(folder, $"{i:D6}.dcm");
            if (!File.Exists(path))
            {
                var dataset = source.Dataset;
                dataset.SetStrings(DicomTags.StudyInstanceUID, DicomVR.UI, $"{root}.1");
                dataset.SetStrings(DicomTags.SeriesInstanceUID, DicomVR.UI, $"{root}.2");
                dataset.SetStrings(DicomTags.SOPInstanceUID, DicomVR.UI, $"{root}.3.{i + 1}");
                if (frames > 1) dataset.SetStrings(DicomTags.NumberOfFrames, DicomVR.IS, frames.ToString(System.Globalization.CultureInfo.InvariantCulture));
                dataset.Set(new DicomDataElement(pixelTag, DicomVR.OW, framed));
                source.FileMetaInformation.Remove(DicomTags.MediaStorageSOPInstanceUID);
                using var stream = File.Create(path);
                DicomFileWriter.Write(stream, source);
            }
            files.Add(new FileInfo(path));
        }
        return files;
    }

    private static byte[] Repeat(byte[] frame, int frames)
    {
        var result = new byte[(long)frame.Length * frames];
        for (var i = 0; i < frames; i++) frame.CopyTo(result, (long)i * frame.Length);
        return result;
    }
}

/// <summary>Raw sequential write speed of the disk holding the work folder: dd with fdatasync.</summary>
internal static class DiskCeiling
{
    public static double Measure(string path, int megabytes)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var dd = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dd",
                   ["if=/dev/zero", $"of={path}", "bs=1M", $"count={megabytes}", "conv=fdatasync"]) { RedirectStandardError = true })!)
        {
            dd.StandardError.ReadToEnd();
            dd.WaitForExit();
        }
        var seconds = watch.Elapsed.TotalSeconds;
        File.Delete(path);
        return megabytes * 1.048576 / seconds;
    }
}
