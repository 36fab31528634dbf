using System.Diagnostics;
using System.Text.Json;
using System.Xml.Linq;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Cli.Tests;

public sealed class CommandLineTests
{
    private static async Task<(int Code, string Output, string Error)> Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await CommandLine.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("jpeg-ls/ct1_fragmented_bot.dcm")]
    [InlineData("native/ct_explicit_be.dcm")]
    [InlineData("charset/ko_2022_ir149.dcm")]
    public async Task Json_prints_the_files_data_set_including_compressed_pixel_data(string relative)
    {
        var (code, output, _) = await Run("json", TestData.PathOf(relative));

        Assert.Equal(CommandLine.Success, code);
        using var document = JsonDocument.Parse(output);
        var root = document.RootElement;
        var file = DicomFile.Open(TestData.PathOf(relative));
        Assert.Equal(file.Dataset.GetString(DicomTags.SOPInstanceUID), root.GetProperty("00080018").GetProperty("Value")[0].GetString());
        var pixelData = root.GetProperty("7FE00010");
        var inline = Convert.FromBase64String(pixelData.GetProperty("InlineBinary").GetString()!);
        Assert.True(inline.Length > 0);
        Assert.False(root.TryGetProperty("00020010", out _), "group 0002 is not part of the data set's JSON");
    }

    [Fact]
    public async Task Xml_prints_the_native_dicom_model()
    {
        var relative = "native/ct_implicit_le.dcm";
        var (code, output, _) = await Run("xml", TestData.PathOf(relative), "--no-pixel-data");

        Assert.Equal(CommandLine.Success, code);
        var document = XDocument.Parse(output);
        XNamespace ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
        var sop = document.Root!.Elements(ns + "DicomAttribute").Single(e => (string?)e.Attribute("tag") == "00080018");
        Assert.Equal(TestData.Entry(relative).GetProperty("sop_instance_uid").GetString(), sop.Element(ns + "Value")!.Value);
        Assert.DoesNotContain(document.Root.Elements(ns + "DicomAttribute"), e => (string?)e.Attribute("tag") == "7FE00010");
    }

    [Fact]
    public async Task Dump_lists_elements_with_their_byte_offsets()
    {
        var path = TestData.PathOf("native/ct_explicit_le.dcm");
        var (code, output, _) = await Run("dump", path);

        Assert.Equal(CommandLine.Success, code);
        var file = DicomFile.Open(path);
        var pixel = file.Dataset.Get(new DicomTag(0x7FE0, 0x0010))!;
        var line = output.Split('\n').Single(l => l.Contains("(7FE0,0010)"));
        Assert.StartsWith(pixel.StreamOffset.ToString("D8"), line);
        Assert.Contains("PixelData", line);
        Assert.Contains("(0002,0010) UI", output);
    }

    [Fact]
    public async Task Unreadable_file_exits_1_naming_the_offset()
    {
        var path = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(path, "plainly not a DICOM file, just some words");
            var (code, _, error) = await Run("dump", path);
            Assert.Equal(CommandLine.InvalidInput, code);
            Assert.Contains("offset", error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Unknown_verb_and_missing_file_are_usage_errors()
    {
        Assert.Equal(CommandLine.UsageError, (await Run("frobnicate", TestData.PathOf("native/ct_explicit_le.dcm"))).Code);
        Assert.Equal(CommandLine.UsageError, (await Run("json", "/no/such/file.dcm")).Code);
        Assert.Equal(CommandLine.UsageError, (await Run()).Code);
    }

    [Fact]
    public async Task The_built_executable_runs_as_a_process()
    {
        var tool = Path.Combine(AppContext.BaseDirectory, "dicomweb.dll");
        var start = new ProcessStartInfo("dotnet", ["exec", tool, "json", TestData.PathOf("structure/undef_len_small.dcm"), "--no-pixel-data"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(0, process.ExitCode);
        using var document = JsonDocument.Parse(stdout);
        Assert.Equal(JsonValueKind.Object, document.RootElement.ValueKind);
    }
}
