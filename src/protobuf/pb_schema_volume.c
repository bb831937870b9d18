/*
 * pb_schema_volume.c -- protobuf message descriptors for core/v1 Volume and
 * every VolumeSource (hostPath, emptyDir, configMap, secret, projected,
 * downwardAPI, persistentVolumeClaim, ephemeral, csi, image and the
 * in-tree plugins), for PodSpec.volumes (pb_schema_pod.c).
 *
 * Field numbers are those of Kubernetes' generated.proto files (k8s.io/api and
 * k8s.io/apimachinery v0.36); JSON names, omitempty and pointer-ness follow the
 * Go types' json tags (flags: protobuf_int.h).
 */

#include "protobuf/protobuf_int.h"

#include <stddef.h>

#define OMIT PB_OMITEMPTY
#define REP PB_REPEATED
#define PTR PB_PTR
#define INLINE PB_INLINE

/* ---- core/v1 volumes --------------------------------------------------- */

static const struct pb_field f_host_path_volume_source[] = {
    {1, "path", PB_STRING, 0, NULL},
    {2, "type", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_host_path_volume_source = {"HostPathVolumeSource",
                                                        f_host_path_volume_source};

static const struct pb_field f_empty_dir_volume_source[] = {
    {1, "medium", PB_STRING, OMIT, NULL},
    {2, "sizeLimit", PB_QUANTITY, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_empty_dir_volume_source = {"EmptyDirVolumeSource",
                                                        f_empty_dir_volume_source};

static const struct pb_field f_gce_persistent_disk_volume_source[] = {
    {1, "pdName", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "partition", PB_INT32, OMIT, NULL},
    {4, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_gce_persistent_disk_volume_source = {
    "GCEPersistentDiskVolumeSource", f_gce_persistent_disk_volume_source};

static const struct pb_field f_aws_elastic_block_store_volume_source[] = {
    {1, "volumeID", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "partition", PB_INT32, OMIT, NULL},
    {4, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_aws_elastic_block_store_volume_source = {
    "AWSElasticBlockStoreVolumeSource", f_aws_elastic_block_store_volume_source};

static const struct pb_field f_git_repo_volume_source[] = {
    {1, "repository", PB_STRING, 0, NULL},
    {2, "revision", PB_STRING, OMIT, NULL},
    {3, "directory", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_git_repo_volume_source = {"GitRepoVolumeSource",
                                                       f_git_repo_volume_source};

static const struct pb_field f_key_to_path[] = {
    {1, "key", PB_STRING, 0, NULL},
    {2, "path", PB_STRING, 0, NULL},
    {3, "mode", PB_INT32, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_key_to_path = {"KeyToPath", f_key_to_path};

static const struct pb_field f_secret_volume_source[] = {
    {1, "secretName", PB_STRING, OMIT, NULL},
    {2, "items", PB_MESSAGE, REP | OMIT, &m_key_to_path},
    {3, "defaultMode", PB_INT32, OMIT | PTR, NULL},
    {4, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_secret_volume_source = {"SecretVolumeSource", f_secret_volume_source};

static const struct pb_field f_nfs_volume_source[] = {
    {1, "server", PB_STRING, 0, NULL},
    {2, "path", PB_STRING, 0, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_nfs_volume_source = {"NFSVolumeSource", f_nfs_volume_source};

static const struct pb_field f_iscsi_volume_source[] = {
    {1, "targetPortal", PB_STRING, 0, NULL},
    {2, "iqn", PB_STRING, 0, NULL},
    {3, "lun", PB_INT32, 0, NULL},
    {4, "iscsiInterface", PB_STRING, OMIT, NULL},
    {5, "fsType", PB_STRING, OMIT, NULL},
    {6, "readOnly", PB_BOOL, OMIT, NULL},
    {7, "portals", PB_STRING, REP | OMIT, NULL},
    {8, "chapAuthDiscovery", PB_BOOL, OMIT, NULL},
    {11, "chapAuthSession", PB_BOOL, OMIT, NULL},
    {10, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    {12, "initiatorName", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_iscsi_volume_source = {"ISCSIVolumeSource", f_iscsi_volume_source};

static const struct pb_field f_glusterfs_volume_source[] = {
    {1, "endpoints", PB_STRING, 0, NULL},
    {2, "path", PB_STRING, 0, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_glusterfs_volume_source = {"GlusterfsVolumeSource",
                                                        f_glusterfs_volume_source};

static const struct pb_field f_persistent_volume_claim_volume_source[] = {
    {1, "claimName", PB_STRING, 0, NULL},
    {2, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_persistent_volume_claim_volume_source = {
    "PersistentVolumeClaimVolumeSource", f_persistent_volume_claim_volume_source};

static const struct pb_field f_rbd_volume_source[] = {
    {1, "monitors", PB_STRING, REP, NULL},
    {2, "image", PB_STRING, 0, NULL},
    {3, "fsType", PB_STRING, OMIT, NULL},
    {4, "pool", PB_STRING, OMIT, NULL},
    {5, "user", PB_STRING, OMIT, NULL},
    {6, "keyring", PB_STRING, OMIT, NULL},
    {7, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    {8, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_rbd_volume_source = {"RBDVolumeSource", f_rbd_volume_source};

static const struct pb_field f_flex_volume_source[] = {
    {1, "driver", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    {4, "readOnly", PB_BOOL, OMIT, NULL},
    {5, "options", PB_MAP_SS, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_flex_volume_source = {"FlexVolumeSource", f_flex_volume_source};

static const struct pb_field f_cinder_volume_source[] = {
    {1, "volumeID", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    {4, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    PB_FIELDS_END,
};
static const struct pb_msg m_cinder_volume_source = {"CinderVolumeSource", f_cinder_volume_source};

static const struct pb_field f_ceph_fs_volume_source[] = {
    {1, "monitors", PB_STRING, REP, NULL},
    {2, "path", PB_STRING, OMIT, NULL},
    {3, "user", PB_STRING, OMIT, NULL},
    {4, "secretFile", PB_STRING, OMIT, NULL},
    {5, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    {6, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_ceph_fs_volume_source = {"CephFSVolumeSource",
                                                      f_ceph_fs_volume_source};

static const struct pb_field f_flocker_volume_source[] = {
    {1, "datasetName", PB_STRING, OMIT, NULL},
    {2, "datasetUUID", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_flocker_volume_source = {"FlockerVolumeSource",
                                                      f_flocker_volume_source};

static const struct pb_field f_object_field_selector[] = {
    {1, "apiVersion", PB_STRING, OMIT, NULL},
    {2, "fieldPath", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_object_field_selector = {"ObjectFieldSelector", f_object_field_selector};

static const struct pb_field f_resource_field_selector[] = {
    {1, "containerName", PB_STRING, OMIT, NULL},
    {2, "resource", PB_STRING, 0, NULL},
    {3, "divisor", PB_QUANTITY, OMIT, NULL},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_resource_field_selector = {"ResourceFieldSelector",
                                                     f_resource_field_selector};

static const struct pb_field f_downward_api_volume_file[] = {
    {1, "path", PB_STRING, 0, NULL},
    {2, "fieldRef", PB_MESSAGE, OMIT | PTR, &pb__m_object_field_selector},
    {3, "resourceFieldRef", PB_MESSAGE, OMIT | PTR, &pb__m_resource_field_selector},
    {4, "mode", PB_INT32, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_downward_api_volume_file = {"DownwardAPIVolumeFile",
                                                         f_downward_api_volume_file};

static const struct pb_field f_downward_api_volume_source[] = {
    {1, "items", PB_MESSAGE, REP | OMIT, &m_downward_api_volume_file},
    {2, "defaultMode", PB_INT32, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_downward_api_volume_source = {"DownwardAPIVolumeSource",
                                                           f_downward_api_volume_source};

static const struct pb_field f_fc_volume_source[] = {
    {1, "targetWWNs", PB_STRING, REP | OMIT, NULL}, {2, "lun", PB_INT32, OMIT | PTR, NULL},
    {3, "fsType", PB_STRING, OMIT, NULL},           {4, "readOnly", PB_BOOL, OMIT, NULL},
    {5, "wwids", PB_STRING, REP | OMIT, NULL},      PB_FIELDS_END,
};
static const struct pb_msg m_fc_volume_source = {"FCVolumeSource", f_fc_volume_source};

static const struct pb_field f_azure_file_volume_source[] = {
    {1, "secretName", PB_STRING, 0, NULL},
    {2, "shareName", PB_STRING, 0, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_azure_file_volume_source = {"AzureFileVolumeSource",
                                                         f_azure_file_volume_source};

static const struct pb_field f_config_map_volume_source[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "items", PB_MESSAGE, REP | OMIT, &m_key_to_path},
    {3, "defaultMode", PB_INT32, OMIT | PTR, NULL},
    {4, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_config_map_volume_source = {"ConfigMapVolumeSource",
                                                         f_config_map_volume_source};

static const struct pb_field f_vsphere_virtual_disk_volume_source[] = {
    {1, "volumePath", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "storagePolicyName", PB_STRING, OMIT, NULL},
    {4, "storagePolicyID", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_vsphere_virtual_disk_volume_source = {
    "VsphereVirtualDiskVolumeSource", f_vsphere_virtual_disk_volume_source};

static const struct pb_field f_quobyte_volume_source[] = {
    {1, "registry", PB_STRING, 0, NULL},
    {2, "volume", PB_STRING, 0, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    {4, "user", PB_STRING, OMIT, NULL},
    {5, "group", PB_STRING, OMIT, NULL},
    {6, "tenant", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_quobyte_volume_source = {"QuobyteVolumeSource",
                                                      f_quobyte_volume_source};

static const struct pb_field f_azure_disk_volume_source[] = {
    {1, "diskName", PB_STRING, 0, NULL},
    {2, "diskURI", PB_STRING, 0, NULL},
    {3, "cachingMode", PB_STRING, OMIT | PTR, NULL},
    {4, "fsType", PB_STRING, OMIT | PTR, NULL},
    {5, "readOnly", PB_BOOL, OMIT | PTR, NULL},
    {6, "kind", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_azure_disk_volume_source = {"AzureDiskVolumeSource",
                                                         f_azure_disk_volume_source};

static const struct pb_field f_photon_persistent_disk_volume_source[] = {
    {1, "pdID", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_photon_persistent_disk_volume_source = {
    "PhotonPersistentDiskVolumeSource", f_photon_persistent_disk_volume_source};

static const struct pb_field f_secret_projection[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "items", PB_MESSAGE, REP | OMIT, &m_key_to_path},
    {4, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_secret_projection = {"SecretProjection", f_secret_projection};

static const struct pb_field f_downward_api_projection[] = {
    {1, "items", PB_MESSAGE, REP | OMIT, &m_downward_api_volume_file},
    PB_FIELDS_END,
};
static const struct pb_msg m_downward_api_projection = {"DownwardAPIProjection",
                                                        f_downward_api_projection};

static const struct pb_field f_config_map_projection[] = {
    {1, "localObjectReference", PB_MESSAGE, INLINE, &pb__m_local_object_reference},
    {2, "items", PB_MESSAGE, REP | OMIT, &m_key_to_path},
    {4, "optional", PB_BOOL, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_config_map_projection = {"ConfigMapProjection",
                                                      f_config_map_projection};

static const struct pb_field f_service_account_token_projection[] = {
    {1, "audience", PB_STRING, OMIT, NULL},
    {2, "expirationSeconds", PB_INT64, OMIT | PTR, NULL},
    {3, "path", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_service_account_token_projection = {
    "ServiceAccountTokenProjection", f_service_account_token_projection};

static const struct pb_field f_cluster_trust_bundle_projection[] = {
    {1, "name", PB_STRING, OMIT | PTR, NULL},
    {2, "signerName", PB_STRING, OMIT | PTR, NULL},
    {3, "labelSelector", PB_MESSAGE, OMIT | PTR, &pb__m_label_selector},
    {5, "optional", PB_BOOL, OMIT | PTR, NULL},
    {4, "path", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_cluster_trust_bundle_projection = {"ClusterTrustBundleProjection",
                                                                f_cluster_trust_bundle_projection};

static const struct pb_field f_pod_certificate_projection[] = {
    {1, "signerName", PB_STRING, OMIT, NULL},
    {2, "keyType", PB_STRING, OMIT, NULL},
    {3, "maxExpirationSeconds", PB_INT32, OMIT | PTR, NULL},
    {4, "credentialBundlePath", PB_STRING, OMIT, NULL},
    {5, "keyPath", PB_STRING, OMIT, NULL},
    {6, "certificateChainPath", PB_STRING, OMIT, NULL},
    {7, "userAnnotations", PB_MAP_SS, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_pod_certificate_projection = {"PodCertificateProjection",
                                                           f_pod_certificate_projection};

static const struct pb_field f_volume_projection[] = {
    {1, "secret", PB_MESSAGE, OMIT | PTR, &m_secret_projection},
    {2, "downwardAPI", PB_MESSAGE, OMIT | PTR, &m_downward_api_projection},
    {3, "configMap", PB_MESSAGE, OMIT | PTR, &m_config_map_projection},
    {4, "serviceAccountToken", PB_MESSAGE, OMIT | PTR, &m_service_account_token_projection},
    {5, "clusterTrustBundle", PB_MESSAGE, OMIT | PTR, &m_cluster_trust_bundle_projection},
    {6, "podCertificate", PB_MESSAGE, OMIT | PTR, &m_pod_certificate_projection},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_projection = {"VolumeProjection", f_volume_projection};

static const struct pb_field f_projected_volume_source[] = {
    {1, "sources", PB_MESSAGE, REP, &m_volume_projection},
    {2, "defaultMode", PB_INT32, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_projected_volume_source = {"ProjectedVolumeSource",
                                                        f_projected_volume_source};

static const struct pb_field f_portworx_volume_source[] = {
    {1, "volumeID", PB_STRING, 0, NULL},
    {2, "fsType", PB_STRING, OMIT, NULL},
    {3, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_portworx_volume_source = {"PortworxVolumeSource",
                                                       f_portworx_volume_source};

static const struct pb_field f_scale_io_volume_source[] = {
    {1, "gateway", PB_STRING, 0, NULL},
    {2, "system", PB_STRING, 0, NULL},
    {3, "secretRef", PB_MESSAGE, PTR, &pb__m_local_object_reference},
    {4, "sslEnabled", PB_BOOL, OMIT, NULL},
    {5, "protectionDomain", PB_STRING, OMIT, NULL},
    {6, "storagePool", PB_STRING, OMIT, NULL},
    {7, "storageMode", PB_STRING, OMIT, NULL},
    {8, "volumeName", PB_STRING, OMIT, NULL},
    {9, "fsType", PB_STRING, OMIT, NULL},
    {10, "readOnly", PB_BOOL, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_scale_io_volume_source = {"ScaleIOVolumeSource",
                                                       f_scale_io_volume_source};

static const struct pb_field f_storage_os_volume_source[] = {
    {1, "volumeName", PB_STRING, OMIT, NULL},
    {2, "volumeNamespace", PB_STRING, OMIT, NULL},
    {3, "fsType", PB_STRING, OMIT, NULL},
    {4, "readOnly", PB_BOOL, OMIT, NULL},
    {5, "secretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    PB_FIELDS_END,
};
static const struct pb_msg m_storage_os_volume_source = {"StorageOSVolumeSource",
                                                         f_storage_os_volume_source};

static const struct pb_field f_csi_volume_source[] = {
    {1, "driver", PB_STRING, 0, NULL},
    {2, "readOnly", PB_BOOL, OMIT | PTR, NULL},
    {3, "fsType", PB_STRING, OMIT | PTR, NULL},
    {4, "volumeAttributes", PB_MAP_SS, OMIT, NULL},
    {5, "nodePublishSecretRef", PB_MESSAGE, OMIT | PTR, &pb__m_local_object_reference},
    PB_FIELDS_END,
};
static const struct pb_msg m_csi_volume_source = {"CSIVolumeSource", f_csi_volume_source};

static const struct pb_field f_volume_resource_requirements[] = {
    {1, "limits", PB_MAP, OMIT, &pb__m_quantity_entry},
    {2, "requests", PB_MAP, OMIT, &pb__m_quantity_entry},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_resource_requirements = {"VolumeResourceRequirements",
                                                             f_volume_resource_requirements};

static const struct pb_field f_typed_local_object_reference[] = {
    {1, "apiGroup", PB_STRING, PTR, NULL},
    {2, "kind", PB_STRING, 0, NULL},
    {3, "name", PB_STRING, 0, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_typed_local_object_reference = {"TypedLocalObjectReference",
                                                             f_typed_local_object_reference};

static const struct pb_field f_typed_object_reference[] = {
    {1, "apiGroup", PB_STRING, PTR, NULL},
    {2, "kind", PB_STRING, 0, NULL},
    {3, "name", PB_STRING, 0, NULL},
    {4, "namespace", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_typed_object_reference = {"TypedObjectReference",
                                                       f_typed_object_reference};

static const struct pb_field f_persistent_volume_claim_spec[] = {
    {1, "accessModes", PB_STRING, REP | OMIT, NULL},
    {4, "selector", PB_MESSAGE, OMIT | PTR, &pb__m_label_selector},
    {2, "resources", PB_MESSAGE, OMIT, &m_volume_resource_requirements},
    {3, "volumeName", PB_STRING, OMIT, NULL},
    {5, "storageClassName", PB_STRING, OMIT | PTR, NULL},
    {6, "volumeMode", PB_STRING, OMIT | PTR, NULL},
    {7, "dataSource", PB_MESSAGE, OMIT | PTR, &m_typed_local_object_reference},
    {8, "dataSourceRef", PB_MESSAGE, OMIT | PTR, &m_typed_object_reference},
    {9, "volumeAttributesClassName", PB_STRING, OMIT | PTR, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_persistent_volume_claim_spec = {"PersistentVolumeClaimSpec",
                                                             f_persistent_volume_claim_spec};

static const struct pb_field f_persistent_volume_claim_template[] = {
    {1, "metadata", PB_MESSAGE, OMIT, &pb__m_object_meta},
    {2, "spec", PB_MESSAGE, 0, &m_persistent_volume_claim_spec},
    PB_FIELDS_END,
};
static const struct pb_msg m_persistent_volume_claim_template = {
    "PersistentVolumeClaimTemplate", f_persistent_volume_claim_template};

static const struct pb_field f_ephemeral_volume_source[] = {
    {1, "volumeClaimTemplate", PB_MESSAGE, OMIT | PTR, &m_persistent_volume_claim_template},
    PB_FIELDS_END,
};
static const struct pb_msg m_ephemeral_volume_source = {"EphemeralVolumeSource",
                                                        f_ephemeral_volume_source};

static const struct pb_field f_image_volume_source[] = {
    {1, "reference", PB_STRING, OMIT, NULL},
    {2, "pullPolicy", PB_STRING, OMIT, NULL},
    PB_FIELDS_END,
};
static const struct pb_msg m_image_volume_source = {"ImageVolumeSource", f_image_volume_source};

static const struct pb_field f_volume_source[] = {
    {1, "hostPath", PB_MESSAGE, OMIT | PTR, &m_host_path_volume_source},
    {2, "emptyDir", PB_MESSAGE, OMIT | PTR, &m_empty_dir_volume_source},
    {3, "gcePersistentDisk", PB_MESSAGE, OMIT | PTR, &m_gce_persistent_disk_volume_source},
    {4, "awsElasticBlockStore", PB_MESSAGE, OMIT | PTR, &m_aws_elastic_block_store_volume_source},
    {5, "gitRepo", PB_MESSAGE, OMIT | PTR, &m_git_repo_volume_source},
    {6, "secret", PB_MESSAGE, OMIT | PTR, &m_secret_volume_source},
    {7, "nfs", PB_MESSAGE, OMIT | PTR, &m_nfs_volume_source},
    {8, "iscsi", PB_MESSAGE, OMIT | PTR, &m_iscsi_volume_source},
    {9, "glusterfs", PB_MESSAGE, OMIT | PTR, &m_glusterfs_volume_source},
    {10, "persistentVolumeClaim", PB_MESSAGE, OMIT | PTR, &m_persistent_volume_claim_volume_source},
    {11, "rbd", PB_MESSAGE, OMIT | PTR, &m_rbd_volume_source},
    {12, "flexVolume", PB_MESSAGE, OMIT | PTR, &m_flex_volume_source},
    {13, "cinder", PB_MESSAGE, OMIT | PTR, &m_cinder_volume_source},
    {14, "cephfs", PB_MESSAGE, OMIT | PTR, &m_ceph_fs_volume_source},
    {15, "flocker", PB_MESSAGE, OMIT | PTR, &m_flocker_volume_source},
    {16, "downwardAPI", PB_MESSAGE, OMIT | PTR, &m_downward_api_volume_source},
    {17, "fc", PB_MESSAGE, OMIT | PTR, &m_fc_volume_source},
    {18, "azureFile", PB_MESSAGE, OMIT | PTR, &m_azure_file_volume_source},
    {19, "configMap", PB_MESSAGE, OMIT | PTR, &m_config_map_volume_source},
    {20, "vsphereVolume", PB_MESSAGE, OMIT | PTR, &m_vsphere_virtual_disk_volume_source},
    {21, "quobyte", PB_MESSAGE, OMIT | PTR, &m_quobyte_volume_source},
    {22, "azureDisk", PB_MESSAGE, OMIT | PTR, &m_azure_disk_volume_source},
    {23, "photonPersistentDisk", PB_MESSAGE, OMIT | PTR, &m_photon_persistent_disk_volume_source},
    {26, "projected", PB_MESSAGE, OMIT | PTR, &m_projected_volume_source},
    {24, "portworxVolume", PB_MESSAGE, OMIT | PTR, &m_portworx_volume_source},
    {25, "scaleIO", PB_MESSAGE, OMIT | PTR, &m_scale_io_volume_source},
    {27, "storageos", PB_MESSAGE, OMIT | PTR, &m_storage_os_volume_source},
    {28, "csi", PB_MESSAGE, OMIT | PTR, &m_csi_volume_source},
    {29, "ephemeral", PB_MESSAGE, OMIT | PTR, &m_ephemeral_volume_source},
    {30, "image", PB_MESSAGE, OMIT | PTR, &m_image_volume_source},
    PB_FIELDS_END,
};
static const struct pb_msg m_volume_source = {"VolumeSource", f_volume_source};

static const struct pb_field f_volume[] = {
    {1, "name", PB_STRING, 0, NULL},
    {2, "volumeSource", PB_MESSAGE, INLINE, &m_volume_source},
    PB_FIELDS_END,
};
const struct pb_msg pb__m_volume = {"Volume", f_volume};
