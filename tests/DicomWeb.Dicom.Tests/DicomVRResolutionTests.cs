using System.Text.Json;

namespace DicomWeb.Dicom.Tests;

public sealed class DicomVRResolutionTests
{
    [Theory]
    [InlineData("jpeg2000/ct_vr_un.dcm")]
    [InlineData("jpeg-ls/pet_cp246.dcm")]
    public void UN_elements_of_public_tags_get_the_VR_pydicom_gives_them(string relative)
    {
        var file = DicomFile.Open(TestData.PathOf(relative), new DicomReaderOptions { StopBeforePixelData = true });
        Assert.Contains(file.Dataset, e => e.VR == DicomVR.UN && !e.Tag.IsPrivate);

        var resolved = file.Dataset.ResolveUnknownVRs();

        Assert.True(resolved > 10, $"only {resolved} resolved");
        using var reference = JsonDocument.Parse(File.ReadAllText(Path.Combine(TestData.Root, "reference-json-pydicom", relative + ".json")));
        foreach (var property in reference.RootElement.EnumerateObject())
        {
            Assert.True(DicomTag.TryParse(property.Name, out var tag));
            if (tag.IsPrivate || tag.Group == 0x0002) continue;
            var element = file.Dataset.Get(tag);
            Assert.NotNull(element);
            Assert.Equal(property.Value.GetProperty("vr").GetString(), DicomVRInfo.Code(element.VR));
        }
        Assert.Equal(TestData.Entry(relative).GetProperty("rows").GetInt32(), file.Dataset.GetInt32(DicomTags.Rows));
    }

    [Fact]
    public void A_UN_value_that_holds_a_sequence_becomes_a_sequence_with_its_items()
    {
        // (0008,1140) Referenced Image Sequence written as UN: one item holding (0008,1150) UI "1.2".
        byte[] value =
        [
            0xFE, 0xFF, 0x00, 0xE0, 12, 0, 0, 0,
            0x08, 0x00, 0x50, 0x11, 4, 0, 0, 0, (byte)'1', (byte)'.', (byte)'2', 0,
        ];
        var dataset = new DicomDataset([new DicomDataElement(DicomTags.ReferencedImageSequence, DicomVR.UN, value)]);

        Assert.Equal(1, dataset.ResolveUnknownVRs());

        var sequence = Assert.IsType<DicomSequence>(dataset.Get(DicomTags.ReferencedImageSequence));
        Assert.Equal("1.2", Assert.Single(sequence.Items).GetString(DicomTags.ReferencedSOPClassUID));
    }

    [Fact]
    public void Private_and_unknown_UN_elements_stay_opaque()
    {
        var dataset = new DicomDataset([new DicomDataElement(new DicomTag(0x0009, 0x1001), DicomVR.UN, new byte[] { 1, 2 })]);
        Assert.Equal(0, dataset.ResolveUnknownVRs());
        Assert.Equal(DicomVR.UN, dataset.Get(new DicomTag(0x0009, 0x1001))!.VR);
    }
}
